using System.Text;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.GitHub.Api;
using SecretsPipeline.GitHub.Deployments;
using SecretsPipeline.GitHub.Tests.FakeGitHub;

namespace SecretsPipeline.GitHub.Tests;

public sealed class DeploymentTrackerTests : IAsyncLifetime
{
    private const string Digest = "sha256:4f2c0a55e8d1b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6";
    private FakeGitHubServer _server = null!;
    private string _commit = null!;
    private readonly List<SecretsPipelineException> _warnings = [];

    public async ValueTask InitializeAsync()
    {
        _server = await FakeGitHubServer.StartAsync();
        _commit = _server.Repository.PushFile("secrets.lock.json", Encoding.UTF8.GetBytes("{}\n"));
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_deployment_of_the_commit_carries_the_lock_digest_and_goes_in_progress_then_success()
    {
        await using (var tracker = await StartAsync())
        {
            var deployment = Assert.Single(_server.Repository.Deployments);
            Assert.Equal(tracker.Id, deployment.Id);
            Assert.Equal(["in_progress"], deployment.States);
            await tracker.SucceedAsync("resolved 3 values");
        }

        var created = Assert.Single(_server.Repository.Deployments);
        Assert.Equal(_commit, created.Sha);
        Assert.Equal("production", created.Environment);
        var payload = created.Request["payload"]!.AsObject();
        Assert.Equal(_commit, payload["commit"]!.GetValue<string>());
        Assert.Equal(Digest, payload["lock_digest"]!.GetValue<string>());
        Assert.Equal("production-abc123", payload["deployment_id"]!.GetValue<string>());
        Assert.False(created.Request["auto_merge"]!.GetValue<bool>());
        Assert.Empty(created.Request["required_contexts"]!.AsArray());
        Assert.Equal(["in_progress", "success"], created.States);
        Assert.Empty(_warnings);
    }

    [Fact]
    public async Task A_tracker_disposed_without_success_marks_the_deployment_failed()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var tracker = await StartAsync();
            throw new InvalidOperationException("the resolve failed");
        });

        Assert.Equal("the resolve failed", ex.Message);
        Assert.Equal(["in_progress", "failure"], Assert.Single(_server.Repository.Deployments).States);
    }

    [Fact]
    public async Task A_final_status_GitHub_refuses_is_a_warning_and_does_not_change_the_outcome()
    {
        var tracker = await StartAsync();
        _server.FailNext("/statuses", FakeFault.RateLimited);

        await tracker.SucceedAsync("resolved");
        await tracker.DisposeAsync();

        var warning = Assert.Single(_warnings);
        Assert.Equal(Codes.GitHubStatusNotRecorded, warning.Code);
        Assert.True(warning.IsWarning);
        Assert.Contains("SPL5204", warning.Message, StringComparison.Ordinal);
        Assert.Equal(["in_progress"], Assert.Single(_server.Repository.Deployments).States);
    }

    [Fact]
    public async Task Creating_the_deployment_fails_with_a_coded_error_before_anything_is_fetched()
    {
        _server.FailNext("/deployments", FakeFault.Forbidden);

        var ex = await Assert.ThrowsAsync<SecretsPipelineException>(StartAsync);

        Assert.Equal(Codes.GitHubForbidden, ex.Code);
        Assert.Contains("deployments: write", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Repository.Deployments);
    }

    private Task<GitHubDeploymentTracker> StartAsync() =>
        GitHubDeploymentTracker.StartAsync(new OctokitGitHubApi(_server.Options()), "production", _commit, Digest, "production-abc123", null, _warnings.Add, CancellationToken.None);
}
