using SecretsPipeline.Core.Lock;

namespace SecretsPipeline.Core.Signing;

/// <summary>Signs a lock's canonical bytes: the local ECDSA key, or a Vault transit key whose private half never leaves Vault.</summary>
public interface ILockSigner
{
    string KeyId { get; }

    Task<LockSignature> SignAsync(byte[] payload, CancellationToken cancellationToken);
}
