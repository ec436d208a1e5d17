namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

/// <summary>The error answers GitHub documents, each with its status, body and headers.</summary>
public enum FakeFault
{
    NotFound,
    Validation,
    RateLimited,
    SecondaryRateLimited,
    Forbidden,
    BadCredentials,
}
