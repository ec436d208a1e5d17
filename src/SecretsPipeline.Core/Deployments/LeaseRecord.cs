namespace SecretsPipeline.Core.Deployments;

/// <summary>A lease held by a deployment: its id, what issued it, when it expires. Never the credential.</summary>
public sealed record LeaseRecord(string LeaseId, string Secret, string Role, DateTimeOffset Expires, bool Revoked = false);
