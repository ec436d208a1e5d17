using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>
/// An in-memory, Vault-API-compatible HTTP server on 127.0.0.1 (see <c>/work/shared/vault-api.md</c>): KV v2, leases and
/// <c>database/creds</c>, transit, token/AppRole/JWT auth, <c>sys/health</c> and <c>sys/internal/ui/mounts</c>, plus fault injection.
/// </summary>
public sealed class FakeVaultServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeVaultServer(WebApplication app, FakeVaultOptions options)
    {
        _app = app;
        RootToken = options.RootToken;
        State = new FakeVaultState(options);
        Faults = new FaultInjector(options.Latency);
    }

    /// <summary>The base address, e.g. <c>http://127.0.0.1:54321/</c> (without <c>/v1</c>; usable as <c>HttpClient.BaseAddress</c>).</summary>
    public Uri Address { get; private set; } = null!;

    public string RootToken { get; }

    public FaultInjector Faults { get; }

    public RequestLog Requests { get; } = new();

    public FakeVaultState State { get; }

    /// <summary>Starts a server on 127.0.0.1 (a free port unless <see cref="FakeVaultOptions.Port"/> is set).</summary>
    public static async Task<FakeVaultServer> StartAsync(FakeVaultOptions? options = null)
    {
        options ??= new FakeVaultOptions();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var server = new FakeVaultServer(app, options);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Address = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        try
        {
            await ServeAsync(http);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (e.g. its timeout fired during DelayNext); nothing left to answer.
        }
    }

    private async Task ServeAsync(HttpContext http)
    {
        var request = http.Request;
        var pathAndQuery = request.Path.Value + request.QueryString.Value;
        var fault = Faults.Evaluate(pathAndQuery);
        if (fault.Delay > TimeSpan.Zero)
        {
            await Task.Delay(fault.Delay, http.RequestAborted);
        }

        VaultResponse? response = fault.Response;
        if (response is null && !fault.Drop)
        {
            response = await ProcessAsync(http);
        }

        if (Faults.Latency > TimeSpan.Zero)
        {
            await PreciseDelay.WaitAsync(Faults.Latency, http.RequestAborted);
        }

        var ns = request.Headers.TryGetValue("X-Vault-Namespace", out var nsHeader) ? nsHeader.ToString() : null;
        var token = request.Headers["X-Vault-Token"].ToString() is { Length: > 0 } t ? t : null;
        Requests.Add(new RequestLogEntry(
            request.Method,
            pathAndQuery,
            response?.Status ?? 0,
            ns,
            request.Headers.ContainsKey("X-Vault-Request"),
            token ?? (request.Headers.Authorization.ToString() is { Length: > 7 } bearer ? bearer[7..] : null),
            State.Now));
        if (response is null)
        {
            http.Abort();
            return;
        }

        await ResponseWriter.WriteAsync(http, response);
    }

    private async Task<VaultResponse> ProcessAsync(HttpContext http)
    {
        try
        {
            var (request, error) = await RequestParser.ParseAsync(http, State);
            if (error is not null)
            {
                return error;
            }

            var response = Router.Route(request!);
            return request!.WrapTtl is { } ttl ? Wrapping.Wrap(request, response, ttl) : response;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return VaultResponse.Error(500, $"internal error: {ex.GetType().Name}: {ex.Message}");
        }
    }
}
