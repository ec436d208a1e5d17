using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Core.Resolve;

/// <summary>A complete resolve: every output, in manifest order, and the leases it holds.</summary>
public sealed record ResolveResult(string Environment, IReadOnlyList<ResolvedOutput> Outputs, IReadOnlyList<Lease> Leases);
