namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

/// <summary>One request as the fake saw it: method, full path (with the GHE <c>/api/v3</c> prefix) and query, body text, and answer.</summary>
public sealed record RecordedRequest(string Method, string Path, string Query, string Body, string? Authorization, int Status);
