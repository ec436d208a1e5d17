namespace SecretsPipeline.Core.Lock;

/// <summary>A signature over the lock's canonical bytes (everything but the signatures).</summary>
public sealed record LockSignature(string Algorithm, string KeyId, string Value);
