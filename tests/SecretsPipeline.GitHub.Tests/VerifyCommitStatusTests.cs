using System.Text;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.GitHub.Api;
using SecretsPipeline.GitHub.Statuses;
using SecretsPipeline.GitHub.Tests.FakeGitHub;

namespace SecretsPipeline.GitHub.Tests;

public sealed class VerifyCommitStatusTests : IAsyncLifetime
{
    private FakeGitHubServer _server = null!;
    private string _commit = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeGitHubServer.StartAsync();
        _commit = _server.Repository.PushFile("secrets.lock.json", Encoding.UTF8.GetBytes("{}\n"));
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_passing_verify_posts_success_in_the_verify_context_with_its_summary()
    {
        var exit = await RunAsync(() => Task.FromResult((0, "signed by local:ab12 (trusted); 4 pins in 2 environments")));

        Assert.Equal(0, exit);
        var status = Assert.Single(_server.Repository.Statuses);
        Assert.Equal((_commit, "success", "secrets-pipeline/verify"), (status.Sha, status.State, status.Context));
        Assert.Equal("signed by local:ab12 (trusted); 4 pins in 2 environments", status.Description);
        Assert.Equal("https://ghe.example.com/octo/app/actions/runs/7", status.TargetUrl);
    }

    [Fact]
    public async Task A_verify_with_problems_posts_failure_and_keeps_its_exit_code()
    {
        var exit = await RunAsync(() => Task.FromResult((1, "2 pinned versions are not readable")));

        Assert.Equal(1, exit);
        Assert.Equal("failure", Assert.Single(_server.Repository.Statuses).State);
    }

    [Fact]
    public async Task A_refused_lock_posts_failure_with_its_code_then_the_error_propagates()
    {
        var refusal = new SecretsPipelineException(Codes.LockBadSignature, $"secrets.lock.json: a signature does not match the lock's content; {new string('x', 200)}");

        var thrown = await Assert.ThrowsAsync<SecretsPipelineException>(() => RunAsync(() => throw refusal));

        Assert.Same(refusal, thrown);
        var status = Assert.Single(_server.Repository.Statuses);
        Assert.Equal("failure", status.State);
        Assert.StartsWith("SPL2004: secrets.lock.json: a signature does not match", status.Description, StringComparison.Ordinal);
        Assert.Equal(140, status.Description!.Length);
    }

    private Task<int> RunAsync(Func<Task<(int, string)>> verify) =>
        VerifyCommitStatus.RunAsync(new OctokitGitHubApi(_server.Options()), _commit, "https://ghe.example.com/octo/app/actions/runs/7", verify, CancellationToken.None);
}
