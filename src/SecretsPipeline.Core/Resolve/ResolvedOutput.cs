using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Core.Resolve;

/// <summary>One output variable of a resolve and the secret entry it came from.</summary>
public sealed record ResolvedOutput(string Name, string Secret, SecretValue Value);
