namespace SecretsPipeline.GitHub.PullRequests;

/// <summary>The pull request that carries a lock update, and whether this run opened it or updated it.</summary>
public sealed record LockPullRequestResult(int Number, string Url, bool Created, string Branch, string BaseBranch, string Commit, string CompareUrl);
