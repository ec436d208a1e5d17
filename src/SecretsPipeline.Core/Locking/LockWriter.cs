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
    /// <returns>The lock as it now stands on disk (signed), its digest, and whether the file was written.</returns>
    public static async Task<LockWriteResult> WriteAsync(
        string path, LockFile lockFile, LockFile? previous, IReadOnlyList<ILockSigner> signers, CancellationToken cancellationToken)
    {
        var payload = LockSerializer.SignedPayload(lockFile);
        if (previous is not null
            && payload.AsSpan().SequenceEqual(LockSerializer.SignedPayload(previous))
            && signers.All(s => previous.Signatures.Any(p => p.KeyId == s.KeyId)))
        {
            return new LockWriteResult(previous, Digest.Sha256(LockSerializer.Serialize(previous)), Written: false);
        }

        var signatures = new List<LockSignature>();
        foreach (var signer in signers)
        {
            signatures.Add(await signer.SignAsync(payload, cancellationToken).ConfigureAwait(false));
        }

        var signed = lockFile.WithSignatures(signatures);
        var bytes = LockSerializer.Serialize(signed);
        AtomicFile.Write(path, bytes);
        return new LockWriteResult(signed, Digest.Sha256(bytes), Written: true);
    }
}
