using System.Text;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.GitHub.Api;
using SecretsPipeline.GitHub.PullRequests;
using SecretsPipeline.GitHub.Tests.FakeGitHub;

namespace SecretsPipeline.GitHub.Tests;

/// <summary>The lock-update pull request against the fake GitHub Enterprise API, through real Octokit.</summary>
public sealed class LockPullRequestTests : IAsyncLifetime
{
    private const string LockPath = "deploy/secrets.lock.json";
    private FakeGitHubServer _server = null!;
    private string _parent = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeGitHubServer.StartAsync();
        _parent = _server.Repository.PushFile(LockPath, Encoding.UTF8.GetBytes("{\"old\":true}\n"));
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_first_run_opens_a_pull_request_from_its_own_branch_with_the_pin_table_and_a_compare_link()
    {
        var result = await PublishAsync("{\"pins\":4}\n", Change("DB_PASSWORD", "3", "4"), Change("API_KEY", null, "1", "added"));

        Assert.True(result.Created);
        Assert.Equal("secrets-pipeline/lock-update/production", result.Branch);
        var pull = Assert.Single(_server.Repository.PullRequests);
        Assert.Equal(result.Number, pull.Number);
        Assert.Equal($"{_server.HtmlUrl}/pull/{pull.Number}", result.Url);
        Assert.Equal(("secrets-pipeline/lock-update/production", "main"), (pull.Head, pull.Base));
        Assert.Contains("| secret | environment | store | old version | new version |", pull.Body, StringComparison.Ordinal);
        Assert.Contains("| DB_PASSWORD | production | vault | 3 | 4 |", pull.Body, StringComparison.Ordinal);
        Assert.Contains("| API_KEY | production | vault | — | 1 |", pull.Body, StringComparison.Ordinal);
        Assert.Contains($"({_server.HtmlUrl}/compare/main...secrets-pipeline/lock-update/production)", pull.Body, StringComparison.Ordinal);
        Assert.Equal(result.CompareUrl, $"{_server.HtmlUrl}/compare/main...secrets-pipeline/lock-update/production");

        // One commit on top of the commit the lock was computed from, holding the new bytes at the lock's path.
        var commit = _server.Repository.Commits[_server.Repository.Branches[result.Branch]];
        Assert.Equal(result.Commit, commit.Sha);
        Assert.Equal([_parent], commit.Parents);
        Assert.Equal("{\"pins\":4}\n", Encoding.UTF8.GetString(_server.Repository.FileAt(result.Branch, LockPath)!));
        Assert.Equal(_parent, _server.Repository.Branches["main"]);
        Assert.All(_server.Requests, r => Assert.StartsWith("/api/v3/repos/octo/app", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_re_run_moves_the_branch_and_updates_the_same_pull_request_instead_of_opening_another()
    {
        var first = await PublishAsync("{\"pins\":4}\n", Change("DB_PASSWORD", "3", "4"));

        var second = await PublishAsync("{\"pins\":5}\n", Change("DB_PASSWORD", "3", "5"));

        Assert.False(second.Created);
        Assert.Equal(first.Number, second.Number);
        var pull = Assert.Single(_server.Repository.PullRequests);
        Assert.Contains("| DB_PASSWORD | production | vault | 3 | 5 |", pull.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("| 4 |", pull.Body, StringComparison.Ordinal);
        Assert.Single(_server.Calls("POST", "/pulls"));
        Assert.Single(_server.Calls("PATCH", $"/pulls/{first.Number}"));

        // The branch was force-moved to a new single commit on the same parent (not a fast-forward of the first).
        Assert.NotEqual(first.Commit, second.Commit);
        Assert.Equal(second.Commit, _server.Repository.Branches[second.Branch]);
        Assert.Equal([_parent], _server.Repository.Commits[second.Commit].Parents);
        Assert.Equal("{\"pins\":5}\n", Encoding.UTF8.GetString(_server.Repository.FileAt(second.Branch, LockPath)!));
        var move = Assert.Single(_server.Calls("PATCH", "/git/refs/heads/secrets-pipeline/lock-update/production"));
        Assert.Contains("\"force\":true", move.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_closed_pull_request_from_the_branch_is_not_reused()
    {
        var first = await PublishAsync("{\"pins\":4}\n", Change("DB_PASSWORD", "3", "4"));
        _server.Repository.PullRequests.Single().State = "closed";

        var second = await PublishAsync("{\"pins\":5}\n", Change("DB_PASSWORD", "3", "5"));

        Assert.True(second.Created);
        Assert.NotEqual(first.Number, second.Number);
    }

    [Fact]
    public async Task The_body_escapes_table_cells_and_names_stores_and_dynamic_terms_without_values()
    {
        var proposal = Proposal("{}\n", new PinChange("production", "DB", "changed", "lease database/creds/app ttl 1h", "lease database/creds/app|x ttl 2h", null, null));

        var body = LockPullRequestText.Body(proposal, "https://x/compare", "main", "b");

        Assert.Contains("| DB | production | vault | lease database/creds/app ttl 1h | lease database/creds/app\\|x ttl 2h |", body, StringComparison.Ordinal);
        Assert.StartsWith(LockPullRequestText.Marker, body, StringComparison.Ordinal);
    }

    private async Task<LockPullRequestResult> PublishAsync(string content, params PinChange[] changes) =>
        await new LockPullRequestPublisher(new OctokitGitHubApi(_server.Options())).PublishAsync(Proposal(content, changes) with { ParentCommit = _parent }, CancellationToken.None);

    private static LockUpdateProposal Proposal(string content, params PinChange[] changes) => new(
        LockPath,
        Encoding.UTF8.GetBytes(content),
        "sha256:0123456789abcdef",
        "parent",
        changes,
        new Dictionary<string, string> { ["production"] = "vault" },
        "production");

    private static PinChange Change(string name, string? from, string to, string kind = "changed") =>
        new("production", name, kind, from, to, $"secret/production/{name.ToLowerInvariant()}#value", $"secret/production/{name.ToLowerInvariant()}#value");
}
