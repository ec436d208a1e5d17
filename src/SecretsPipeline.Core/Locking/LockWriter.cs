using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Signing;

namespace SecretsPipeline.Core.Locking;

/// <summary>
/// Signs a lock and replaces the file atomically. When the pins did not change and the existing file already carries
/// a signature by one of our signers, the file is left alone: ECDSA signatures are randomised, and a re-sign
/// would make a diff where nothing changed.
/// </summary>
public static class LockWriter
{
    /// <returns>Whether the file was written.</returns>
    public static async Task<bool> WriteAsync(
        string path, LockFile lockFile, LockFile? previous, IReadOnlyList<ILockSigner> signers, CancellationToken cancellationToken)
    {
        var payload = LockSerializer.SignedPayload(lockFile);
        if (previous is not null
            && payload.AsSpan().SequenceEqual(LockSerializer.SignedPayload(previous))
            && signers.All(s => previous.Signatures.Any(p => p.KeyId == s.KeyId)))
        {
            return false;
        }

        var signatures = new List<LockSignature>();
        foreach (var signer in signers)
        {
            signatures.Add(await signer.SignAsync(payload, cancellationToken).ConfigureAwait(false));
        }

        AtomicFile.Write(path, LockSerializer.Serialize(lockFile.WithSignatures(signatures)));
        return true;
    }
}
