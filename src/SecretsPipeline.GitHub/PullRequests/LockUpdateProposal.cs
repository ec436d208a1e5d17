using SecretsPipeline.Core.Lock;

namespace SecretsPipeline.GitHub.PullRequests;

/// <summary>
/// A lock change to propose: the lock's path in the repository (forward slashes), its new bytes, the commit they
/// were computed on, the pin changes (from <see cref="LockDiff"/>), each environment's store name, and the base
/// branch (the repository's default branch when null). <paramref name="Environment"/> names the branch (null: all).
/// </summary>
public sealed record LockUpdateProposal(
    string LockPath,
    ReadOnlyMemory<byte> Content,
    string LockDigest,
    string ParentCommit,
    IReadOnlyList<PinChange> Changes,
    IReadOnlyDictionary<string, string> StoreOfEnvironment,
    string? Environment = null,
    string? BaseBranch = null);
