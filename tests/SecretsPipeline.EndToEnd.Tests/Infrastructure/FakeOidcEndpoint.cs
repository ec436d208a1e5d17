using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Azure DevOps' job OIDC endpoint (<c>System.OidcRequestUri</c>, "Oidctoken - Create") on 127.0.0.1: answers every
/// POST with <c>{"oidcToken": TOKEN}</c> and records what was asked.
/// </summary>
public sealed class FakeOidcEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly Lock _sync = new();
    private readonly List<Request> _requests = [];

    public FakeOidcEndpoint(string oidcToken)
    {
        var port = FreePort();
        var root = $"http://127.0.0.1:{port}/";
        _listener.Prefixes.Add(root);
        _listener.Start();
        RequestUri = $"{root}acme/3f6b2c1e-0000-4000-8000-000000000001/_apis/distributedtask/hubs/build/plans/3f6b2c1e-0000-4000-8000-000000000002/jobs/3f6b2c1e-0000-4000-8000-000000000003/oidctoken";
        _serving = ServeAsync(oidcToken);
    }

    public sealed record Request(string Method, Uri Url, string? Authorization);

    /// <summary>What the agent puts in <c>System.OidcRequestUri</c>.</summary>
    public string RequestUri { get; }

    public IReadOnlyList<Request> Requests
    {
        get
        {
            lock (_sync)
            {
                return [.. _requests];
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
        {
            // Stopping the listener ends the pending GetContextAsync.
        }
    }

    private async Task ServeAsync(string oidcToken)
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            lock (_sync)
            {
                _requests.Add(new Request(context.Request.HttpMethod, context.Request.Url!, context.Request.Headers["Authorization"]));
            }

            var body = Encoding.UTF8.GetBytes(new JsonObject { ["oidcToken"] = oidcToken }.ToJsonString());
            context.Response.StatusCode = context.Request.HttpMethod == "POST" ? 200 : 405;
            context.Response.ContentType = "application/json";
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
