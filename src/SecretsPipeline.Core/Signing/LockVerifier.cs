using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;

namespace SecretsPipeline.Core.Signing;

/// <summary>
/// Decides whether a lock is authentic: at least one signature must come from a trusted key and verify, and no
/// signature from a trusted key may fail (a failed one means the content changed after signing).
/// </summary>
public sealed class LockVerifier(IReadOnlyList<ITrustSource> trustSources)
{
    public async Task<string> VerifyAsync(string lockPath, LockFile lockFile, CancellationToken cancellationToken)
    {
        if (lockFile.Signatures.Count == 0)
        {
            throw new SecretsPipelineException(Codes.LockUnsigned, "the lock is not signed; run `secrets-pipeline lock` to sign it.", new SourceLocation(lockPath));
        }

        var payload = LockSerializer.SignedPayload(lockFile);
        string? trustedBy = null;
        foreach (var signature in lockFile.Signatures)
        {
            foreach (var source in trustSources)
            {
                var result = await source.VerifyAsync(signature, payload, cancellationToken).ConfigureAwait(false);
                if (result == false)
                {
                    throw new SecretsPipelineException(
                        Codes.LockBadSignature,
                        $"the signature by {signature.KeyId} does not match the lock's content: the lock was changed after it was signed. Restore it from git, or re-lock and review the diff.",
                        new SourceLocation(lockPath));
                }

                if (result == true)
                {
                    trustedBy ??= signature.KeyId;
                    break;
                }
            }
        }

        return trustedBy ?? throw new SecretsPipelineException(
            Codes.LockUntrusted,
            $"the lock is signed by {string.Join(", ", lockFile.Signatures.Select(s => s.KeyId))}, and none of these keys is trusted here. Trust the signer with --trust-key, {LocalTrustSource.Variable}, or a PEM in $SECRETS_PIPELINE_HOME/trusted-keys/ (a key listed only in the repository proves nothing).",
            new SourceLocation(lockPath));
    }
}
