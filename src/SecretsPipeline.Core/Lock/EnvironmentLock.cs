namespace SecretsPipeline.Core.Lock;

/// <summary>The pins of one environment, with the identity of the store they live in.</summary>
public sealed record EnvironmentLock(IReadOnlyDictionary<string, string> Store, IReadOnlyDictionary<string, SecretPin> Secrets);
