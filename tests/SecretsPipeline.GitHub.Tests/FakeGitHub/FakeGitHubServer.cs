using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using SecretsPipeline.Testing;

namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

/// <summary>
/// A loopback stand-in for GitHub Enterprise Server's REST API (<c>/api/v3/repos/{owner}/{repo}/...</c>) that answers
/// exactly the calls SecretsPipeline makes, checks the token (401 otherwise), records every request, and can answer
/// the next matching request with an injected fault.
/// </summary>
public sealed class FakeGitHubServer : IAsyncDisposable
{
    public const string Token = "ghs_fakeInstallationToken0123456789";
    private const string Prefix = "/api/v3/";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string PathContains, FakeFault Fault)> _faults = new();
    private readonly object _gate = new();
    private readonly GitHubShapes _shapes;
    private readonly GitDataRoutes _git;
    private readonly PullRoutes _pulls;
    private readonly StatusRoutes _statuses;

    private FakeGitHubServer(WebApplication app)
    {
        _app = app;
        _shapes = new GitHubShapes(Repository, () => ApiUrl);
        _git = new GitDataRoutes(Repository, _shapes);
        _pulls = new PullRoutes(Repository, _shapes);
        _statuses = new StatusRoutes(Repository, _shapes);
    }

    public FakeRepository Repository { get; } = new("octo", "app");

    /// <summary>What GITHUB_API_URL would be on a GHE runner, e.g. <c>http://127.0.0.1:54321/api/v3</c>.</summary>
    public Uri ApiUrl { get; private set; } = null!;

    public string HtmlUrl => _shapes.Html;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static async Task<FakeGitHubServer> StartAsync()
    {
        var app = LoopbackKestrel.Create(kestrel => kestrel.AddServerHeader = false);
        var server = new FakeGitHubServer(app);
        app.Run(server.HandleAsync);
        var address = await LoopbackKestrel.StartAsync(app);
        server.ApiUrl = new Uri(address.TrimEnd('/') + "/api/v3");
        return server;
    }

    /// <summary>The environment a CLI run needs to reach this server.</summary>
    public Dictionary<string, string?> Environment() => new()
    {
        ["GITHUB_TOKEN"] = Token,
        ["GITHUB_REPOSITORY"] = $"{Repository.Owner}/{Repository.Name}",
        ["GITHUB_API_URL"] = ApiUrl.ToString(),
    };

    public GitHubOptions Options(string token = Token) =>
        GitHubOptions.FromEnvironment(name => name switch
        {
            "GITHUB_TOKEN" => token,
            "GITHUB_REPOSITORY" => $"{Repository.Owner}/{Repository.Name}",
            "GITHUB_API_URL" => ApiUrl.ToString(),
            _ => null,
        });

    /// <summary>Answers the next request whose path contains <paramref name="pathContains"/> with <paramref name="fault"/>.</summary>
    public void FailNext(string pathContains, FakeFault fault) => _faults.Enqueue((pathContains, fault));

    public IEnumerable<RecordedRequest> Calls(string method, string pathContains) =>
        Requests.Where(r => r.Method == method && r.Path.Contains(pathContains, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var body = await new StreamReader(request.Body).ReadToEndAsync();
        var path = request.Path.Value ?? string.Empty;
        var authorization = request.Headers.Authorization.ToString();
        FakeResponse response;
        lock (_gate)
        {
            response = Answer(request.Method, path, request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal), body, authorization);
        }

        Requests.Enqueue(new RecordedRequest(request.Method, path, request.QueryString.Value ?? string.Empty, body, authorization, response.Status));
        http.Response.StatusCode = response.Status;
        http.Response.Headers["X-GitHub-Media-Type"] = "github.v3; format=json";
        foreach (var header in response.Headers ?? new Dictionary<string, string>())
        {
            http.Response.Headers[header.Key] = header.Value;
        }

        if (response.Body is not null)
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(response.Body.ToJsonString());
        }
    }

    private FakeResponse Answer(string method, string path, IReadOnlyDictionary<string, string> query, string body, string authorization)
    {
        if (_faults.TryPeek(out var fault) && path.Contains(fault.PathContains, StringComparison.Ordinal) && _faults.TryDequeue(out _))
        {
            return FakeResponse.For(fault.Fault);
        }

        // GitHub takes `token <t>` or `Bearer <t>`, the scheme in any case (Octokit sends `Token <t>`).
        var parts = authorization.Split(' ', 2);
        if (parts.Length != 2 || !(parts[0].Equals("token", StringComparison.OrdinalIgnoreCase) || parts[0].Equals("bearer", StringComparison.OrdinalIgnoreCase)) || parts[1] != Token)
        {
            return FakeResponse.For(FakeFault.BadCredentials);
        }

        var repoPrefix = $"{Prefix}repos/{Repository.Owner}/{Repository.Name}";
        if (!path.StartsWith(repoPrefix, StringComparison.Ordinal))
        {
            return FakeResponse.NotFound();
        }

        var rest = path[repoPrefix.Length..].TrimStart('/');
        JsonObject? json;
        try
        {
            json = body.Length == 0 ? null : JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return FakeResponse.Error(400, "Problems parsing JSON");
        }

        if (method == "GET" && rest.Length == 0)
        {
            return new FakeResponse(200, _shapes.Repository());
        }

        return _git.Handle(method, rest, json)
            ?? _pulls.Handle(method, rest, query, json)
            ?? _statuses.Handle(method, rest, json)
            ?? FakeResponse.NotFound();
    }
}
