using System.Text;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.GitHub.Api;
using SecretsPipeline.GitHub.PullRequests;
using SecretsPipeline.GitHub.Tests.FakeGitHub;

namespace SecretsPipeline.GitHub.Tests;

/// <summary>Each documented GitHub failure becomes one coded, actionable message that never carries the token.</summary>
public sealed class ErrorMappingTests : IAsyncLifetime
{
    private FakeGitHubServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await FakeGitHubServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(FakeFault.NotFound, "SPL5205", "404 not found; check GITHUB_REPOSITORY")]
    [InlineData(FakeFault.Validation, "SPL5206", "422 (Validation Failed: A pull request already exists for octo:secrets-pipeline/lock-update/all.)")]
    [InlineData(FakeFault.RateLimited, "SPL5204", "retry after 2030-01-02T03:04:05Z")]
    [InlineData(FakeFault.SecondaryRateLimited, "SPL5204", "rate limit is exhausted; retry after 20")]
    [InlineData(FakeFault.Forbidden, "SPL5203", "403 (Resource not accessible by integration); give the token the permissions")]
    [InlineData(FakeFault.BadCredentials, "SPL5202", "401 bad credentials; check that GITHUB_TOKEN")]
    public async Task A_fault_in_the_pull_request_flow_maps_to_its_code_with_what_to_do(FakeFault fault, string code, string expected)
    {
        _server.FailNext("/pulls", fault);

        var ex = await Assert.ThrowsAsync<SecretsPipelineException>(PublishAsync);

        Assert.Equal(code, ex.Code.Id);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("octo/app", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeGitHubServer.Token, ex.ToDiagnostic(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_is_refused_by_the_server_and_reported_without_the_token()
    {
        const string wrong = "ghp_wrongTokenThatMustNotBeEchoed";
        var api = new OctokitGitHubApi(_server.Options(wrong));

        var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => api.GetRepositoryAsync(CancellationToken.None));

        Assert.Equal(Codes.GitHubBadCredentials, ex.Code);
        Assert.DoesNotContain(wrong, ex.ToDiagnostic(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_server_is_a_request_error_naming_GITHUB_API_URL()
    {
        var options = _server.Options() with { ApiUrl = new Uri("http://127.0.0.1:1/api/v3") };

        var ex = await Assert.ThrowsAsync<SecretsPipelineException>(() => new OctokitGitHubApi(options).GetRepositoryAsync(CancellationToken.None));

        Assert.Equal(Codes.GitHubRequest, ex.Code);
        Assert.Contains("GITHUB_API_URL", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_branch_that_does_not_exist_is_null_not_an_error()
    {
        Assert.Null(await new OctokitGitHubApi(_server.Options()).GetBranchHeadAsync("no/such-branch", CancellationToken.None));
        Assert.Equal(_server.Repository.Branches["main"], await new OctokitGitHubApi(_server.Options()).GetBranchHeadAsync("main", CancellationToken.None));
    }

    private async Task PublishAsync()
    {
        var parent = _server.Repository.Branches["main"];
        var proposal = new LockUpdateProposal("secrets.lock.json", Encoding.UTF8.GetBytes("{}\n"), "sha256:00", parent, [], new Dictionary<string, string>());
        await new LockPullRequestPublisher(new OctokitGitHubApi(_server.Options())).PublishAsync(proposal, CancellationToken.None);
    }
}
