namespace SecretsPipeline.GitHub.Api;

public sealed record GitHubPullRequest(int Number, string HtmlUrl);
