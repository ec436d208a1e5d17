namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

public sealed record FakeCommit(string Sha, string Message, string Tree, IReadOnlyList<string> Parents);
