namespace SecretsPipeline.GitHub.Api;

/// <summary>A deployment of <paramref name="Sha"/> to <paramref name="Environment"/>; the payload holds names and digests only.</summary>
public sealed record GitHubDeploymentRequest(string Sha, string Environment, string Description, IReadOnlyDictionary<string, string> Payload);
