using SecretsPipeline.Core.Lock;

namespace SecretsPipeline.Core.Locking;

/// <summary>What <see cref="LockWriter"/> left on disk: the signed lock, the digest of its bytes, and whether it wrote them.</summary>
public sealed record LockWriteResult(LockFile Lock, string Digest, bool Written);
