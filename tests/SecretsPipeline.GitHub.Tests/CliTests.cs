using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using SecretsPipeline.GitHub.Tests.FakeGitHub;

namespace SecretsPipeline.GitHub.Tests;

/// <summary>
/// The built CLI as a process, in a throw-away git repository with the embedded store, against the fake GitHub:
/// <c>lock --update --pull-request</c> opens then updates one pull request, <c>resolve --github-deployment</c> records
/// the outcome, <c>verify --github-status</c> posts it; no request carries a value.
/// </summary>
public sealed class CliTests : IAsyncLifetime
{
    private const string Manifest = """
        version: 1
        stores:
          dev: { type: local }
        environments:
          development: { store: dev }
        secrets:
          DB_PASSWORD: { ref: "secret/development/app/db#password" }

        """;

    private readonly string _root = Directory.CreateTempSubdirectory("spl-gh-").FullName;
    private FakeGitHubServer _server = null!;

    private string Repo => Path.Combine(_root, "repo");

    public async ValueTask InitializeAsync()
    {
        _server = await FakeGitHubServer.StartAsync();
        Directory.CreateDirectory(Repo);
        Directory.CreateDirectory(Path.Combine(_root, "home"));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Lock_update_pull_request_opens_then_updates_one_pull_request_and_never_sends_a_value()
    {
        var first = $"first-{Guid.NewGuid():N}";
        var second = $"second-{Guid.NewGuid():N}";
        var third = $"third-{Guid.NewGuid():N}";
        await RunAsync("git", "init", "-q", "-b", "main");
        await RunAsync("git", "config", "user.email", "t@example.com");
        await RunAsync("git", "config", "user.name", "t");
        await CliAsync(null, "init");
        await File.WriteAllTextAsync(Path.Combine(Repo, "secrets.yaml"), Manifest, TestContext.Current.CancellationToken);
        await CliAsync(first, "store", "put", "secret/development/app/db#password");
        await CliAsync(null, "lock");
        await RunAsync("git", "add", "-A");
        await RunAsync("git", "commit", "-q", "-m", "pin");
        var head = (await RunAsync("git", "rev-parse", "HEAD")).Trim();
        _server.Repository.AddPushedCommit(head, new Dictionary<string, byte[]> { ["secrets.lock.json"] = File.ReadAllBytes(Path.Combine(Repo, "secrets.lock.json")) });

        await CliAsync(second, "store", "put", "secret/development/app/db#password");
        var report = JsonNode.Parse(await CliAsync(null, "lock", "--update", "--pull-request", "--json"))!;

        var pull = Assert.Single(_server.Repository.PullRequests);
        Assert.Equal(pull.Number, report["pull_request"]!["number"]!.GetValue<int>());
        Assert.True(report["pull_request"]!["created"]!.GetValue<bool>());
        Assert.Equal($"{_server.HtmlUrl}/pull/{pull.Number}", report["pull_request"]!["url"]!.GetValue<string>());
        Assert.Contains("| DB_PASSWORD | development | dev | 1 | 2 |", pull.Body, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Repo, "secrets.lock.json")), _server.Repository.FileAt("secrets-pipeline/lock-update/all", "secrets.lock.json"));
        Assert.Equal([head], _server.Repository.Commits[_server.Repository.Branches["secrets-pipeline/lock-update/all"]].Parents);

        // A later rotation, locked again from the same base, updates the same pull request.
        await RunAsync("git", "checkout", "-q", "--", "secrets.lock.json");
        await CliAsync(third, "store", "put", "secret/development/app/db#password");
        var text = await CliAsync(null, "lock", "--update", "--pull-request");
        Assert.Contains($"updated pull request #{pull.Number}", text, StringComparison.Ordinal);
        Assert.Single(_server.Repository.PullRequests);
        Assert.Contains("| DB_PASSWORD | development | dev | 1 | 3 |", pull.Body, StringComparison.Ordinal);

        foreach (var request in _server.Requests)
        {
            var decoded = request.Path.EndsWith("/git/blobs", StringComparison.Ordinal)
                ? Encoding.UTF8.GetString(Convert.FromBase64String(JsonNode.Parse(request.Body)!["content"]!.GetValue<string>()))
                : string.Empty;
            foreach (var value in new[] { first, second, third })
            {
                Assert.DoesNotContain(value, request.Body + request.Query + decoded, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Resolve_github_deployment_records_the_commit_and_lock_digest_and_ends_in_success_then_failure_after_a_revoke()
    {
        var value = $"value-{Guid.NewGuid():N}";
        var head = await ArrangeLockedRepositoryAsync(value);

        await CliAsync(null, "resolve", "--env", "development", "--out", Path.Combine(_root, "deploy.env"), "--github-deployment");
        var ok = Assert.Single(_server.Repository.Deployments);
        Assert.Equal(head, ok.Sha);
        Assert.Equal("development", ok.Environment);
        var payload = ok.Request["payload"]!.AsObject();
        Assert.Equal(head, payload["commit"]!.GetValue<string>());
        Assert.StartsWith("sha256:", payload["lock_digest"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["in_progress", "success"], ok.States);

        await CliAsync(null, "revoke", "DB_PASSWORD", "--env", "development", "--version", "1");
        await CliAsync(null, ["resolve", "--env", "development", "--out", Path.Combine(_root, "deploy.env"), "--github-deployment"], expectedExit: 1);
        Assert.Equal(2, _server.Repository.Deployments.Count);
        Assert.Equal(["in_progress", "failure"], _server.Repository.Deployments[1].States);
        AssertNoRequestCarries(value);
    }

    [Fact]
    public async Task Verify_github_status_posts_success_on_head_and_failure_for_a_tampered_lock()
    {
        var value = $"value-{Guid.NewGuid():N}";
        var head = await ArrangeLockedRepositoryAsync(value);

        await CliAsync(null, "verify", "--github-status");
        var lockPath = Path.Combine(Repo, "secrets.lock.json");
        await File.WriteAllTextAsync(lockPath, (await File.ReadAllTextAsync(lockPath, TestContext.Current.CancellationToken)).Replace("\"version\": \"1\"", "\"version\": \"7\"", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        await CliAsync(null, ["verify", "--github-status"], expectedExit: 1);

        Assert.Equal([("success", head), ("failure", head)], _server.Repository.Statuses.Select(s => (s.State, s.Sha)));
        Assert.All(_server.Repository.Statuses, s => Assert.Equal("secrets-pipeline/verify", s.Context));
        Assert.Contains("SPL2", _server.Repository.Statuses[1].Description, StringComparison.Ordinal);
        AssertNoRequestCarries(value);
    }

    /// <summary>A git repository whose lock pins <paramref name="value"/> as version 1, committed; returns HEAD.</summary>
    private async Task<string> ArrangeLockedRepositoryAsync(string value)
    {
        await RunAsync("git", "init", "-q", "-b", "main");
        await RunAsync("git", "config", "user.email", "t@example.com");
        await RunAsync("git", "config", "user.name", "t");
        await CliAsync(null, "init");
        await File.WriteAllTextAsync(Path.Combine(Repo, "secrets.yaml"), Manifest, TestContext.Current.CancellationToken);
        await CliAsync(value, "store", "put", "secret/development/app/db#password");
        await CliAsync(null, "lock");
        await RunAsync("git", "add", "-A");
        await RunAsync("git", "commit", "-q", "-m", "pin");
        var head = (await RunAsync("git", "rev-parse", "HEAD")).Trim();

        // GitHub knows only pushed commits: deployments and statuses name one.
        _server.Repository.AddPushedCommit(head, new Dictionary<string, byte[]> { ["secrets.lock.json"] = File.ReadAllBytes(Path.Combine(Repo, "secrets.lock.json")) });
        return head;
    }

    private void AssertNoRequestCarries(string value)
    {
        Assert.NotEmpty(_server.Requests);
        Assert.All(_server.Requests, r => Assert.DoesNotContain(value, r.Body + r.Query, StringComparison.Ordinal));
    }

    private Task<string> CliAsync(string? stdin, params string[] args) => CliAsync(stdin, args, expectedExit: 0);

    private async Task<string> CliAsync(string? stdin, string[] args, int expectedExit)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "secrets-pipeline.dll");
        return await RunAsync("dotnet", [cli, .. args], stdin, new Dictionary<string, string?>(_server.Environment()) { ["SECRETS_PIPELINE_HOME"] = Path.Combine(_root, "home") }, expectedExit);
    }

    private Task<string> RunAsync(string file, params string[] args) => RunAsync(file, args, null, null);

    private async Task<string> RunAsync(string file, string[] args, string? stdin, IReadOnlyDictionary<string, string?>? environment, int expectedExit = 0)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = Repo, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("GITHUB_", StringComparison.Ordinal) || k.StartsWith("VAULT_", StringComparison.Ordinal)).ToArray())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(stdin ?? string.Empty);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == expectedExit, $"{file} {string.Join(' ', args)} exited {process.ExitCode}, expected {expectedExit}: {await stderr}");
        return await stdout;
    }
}
