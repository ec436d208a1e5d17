namespace SecretsPipeline.GitHub.Api;

/// <summary>
/// The handful of GitHub REST calls SecretsPipeline makes, on one repository. Failures are
/// <see cref="Core.Errors.SecretsPipelineException"/>s with a 52xx code; nothing sent carries a secret value.
/// </summary>
public interface IGitHubApi
{
    Task<GitHubRepositoryInfo> GetRepositoryAsync(CancellationToken cancellationToken);

    /// <summary>The commit a branch points at, or null when the branch does not exist.</summary>
    Task<string?> GetBranchHeadAsync(string branch, CancellationToken cancellationToken);

    /// <summary>Creates one commit on top of <paramref name="parentSha"/> that sets one file's bytes; returns its sha.</summary>
    Task<string> CommitFileAsync(string parentSha, string path, ReadOnlyMemory<byte> content, string message, CancellationToken cancellationToken);

    Task CreateBranchAsync(string branch, string sha, CancellationToken cancellationToken);

    /// <summary>Points an existing branch at <paramref name="sha"/>, even when that is not a fast-forward.</summary>
    Task MoveBranchAsync(string branch, string sha, CancellationToken cancellationToken);

    Task<GitHubPullRequest?> FindOpenPullRequestAsync(string headBranch, string baseBranch, CancellationToken cancellationToken);

    Task<GitHubPullRequest> CreatePullRequestAsync(string headBranch, string baseBranch, string title, string body, CancellationToken cancellationToken);

    Task<GitHubPullRequest> UpdatePullRequestAsync(int number, string title, string body, CancellationToken cancellationToken);

    Task<long> CreateDeploymentAsync(GitHubDeploymentRequest request, CancellationToken cancellationToken);

    Task SetDeploymentStatusAsync(long deploymentId, GitHubDeploymentState state, string environment, string description, string? logUrl, CancellationToken cancellationToken);

    Task SetCommitStatusAsync(string sha, bool success, string context, string description, string? targetUrl, CancellationToken cancellationToken);
}
