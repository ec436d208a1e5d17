using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Vault.Tests.Support;

/// <summary>
/// A stand-in for the GitHub Actions runner's ID-token endpoint on 127.0.0.1: it answers <c>{"value":"&lt;jwt&gt;"}</c> only to
/// <c>Authorization: Bearer &lt;request token&gt;</c> and only for a URL that kept the runner's own query string.
/// </summary>
internal sealed class GitHubOidcEndpoint : IAsyncDisposable
{
    public const string RequestToken = "gh-request-token-5ea1f00d";

    private readonly WebApplication _app;
    private readonly Func<string, string> _issue;

    private GitHubOidcEndpoint(WebApplication app, Func<string, string> issue)
    {
        _app = app;
        _issue = issue;
    }

    /// <summary>The value of <c>ACTIONS_ID_TOKEN_REQUEST_URL</c>: it already carries a query string, as the runner's does.</summary>
    public string RequestUrl { get; private set; } = "";

    /// <summary>The audiences asked for, one per request that passed the checks.</summary>
    public ConcurrentQueue<string> Audiences { get; } = new();

    public ConcurrentQueue<string> Refusals { get; } = new();

    /// <param name="issue">Makes the JWT for the requested audience.</param>
    public static async Task<GitHubOidcEndpoint> StartAsync(Func<string, string> issue)
    {
        var app = LoopbackKestrel.Create();
        var endpoint = new GitHubOidcEndpoint(app, issue);
        app.Run(endpoint.HandleAsync);
        var address = await LoopbackKestrel.StartAsync(app);
        endpoint.RequestUrl = $"{address.TrimEnd('/')}/_apis/distributedtask/idtoken?api-version=2.0";
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var refusal =
            request.Path != "/_apis/distributedtask/idtoken" ? "wrong path"
            : request.Headers.Authorization.ToString() != $"Bearer {RequestToken}" ? "wrong or missing bearer token"
            : request.Query["api-version"].ToString() != "2.0" ? "the runner's query string was lost"
            : request.Query["audience"].Count != 1 ? "no single audience parameter"
            : null;
        if (refusal is not null)
        {
            Refusals.Enqueue(refusal);
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var audience = request.Query["audience"].ToString();
        Audiences.Enqueue(audience);
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(new JsonObject { ["count"] = 1, ["value"] = _issue(audience) }.ToJsonString());
    }
}
