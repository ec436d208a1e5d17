namespace SecretsPipeline.GitHub.Api;

/// <summary>What we need to know of the repository: its default branch and its web address (for compare links).</summary>
public sealed record GitHubRepositoryInfo(string DefaultBranch, string HtmlUrl);
