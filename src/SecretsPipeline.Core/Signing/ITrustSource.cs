using SecretsPipeline.Core.Lock;

namespace SecretsPipeline.Core.Signing;

/// <summary>
/// A source of trust outside the repository. Answers whether it knows the signature's key and, if so, whether the
/// signature is valid for the payload.
/// </summary>
public interface ITrustSource
{
    /// <returns><c>null</c> when the key is unknown to this source; otherwise whether the signature verifies.</returns>
    Task<bool?> VerifyAsync(LockSignature signature, byte[] payload, CancellationToken cancellationToken);
}
