namespace SecretsPipeline.Core.Stores;

/// <summary>The lease terms a dynamic entry is pinned to.</summary>
public sealed record LeaseTerms(TimeSpan? Ttl, TimeSpan? MaxTtl);
