namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

public sealed record FakeCommitStatus(string Sha, string State, string Context, string? Description, string? TargetUrl);
