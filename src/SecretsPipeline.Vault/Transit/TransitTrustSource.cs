using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Signing;

namespace SecretsPipeline.Vault.Transit;

/// <summary>
/// Trusts signatures by the transit keys named from outside the repository (<c>--trust-transit-key</c>,
/// <c>SECRETS_PIPELINE_TRUSTED_TRANSIT_KEYS</c>) and asks Vault's <c>transit/verify</c> whether each one holds.
/// </summary>
public sealed class TransitTrustSource(Func<string, TransitClient> clientForMount, IEnumerable<string> trustedKeys) : ITrustSource
{
    public const string Variable = "SECRETS_PIPELINE_TRUSTED_TRANSIT_KEYS";

    private readonly HashSet<string> _trusted = trustedKeys.Select(k => TransitSigner.KeyIdFor(Mount(k), Name(k))).ToHashSet(StringComparer.Ordinal);

    public async Task<bool?> VerifyAsync(LockSignature signature, byte[] payload, CancellationToken cancellationToken)
    {
        if (signature.Algorithm != TransitSigner.Algorithm || !_trusted.Contains(signature.KeyId))
        {
            return null;
        }

        var path = signature.KeyId["vault-transit:".Length..];
        return await clientForMount(Mount(path)).VerifyAsync(Name(path), payload, signature.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Splits <c>mount/key</c>; a bare key name lives on the <c>transit</c> mount.</summary>
    public static string Mount(string spec) => spec.Contains('/', StringComparison.Ordinal) ? spec[..spec.LastIndexOf('/')] : "transit";

    public static string Name(string spec) => spec[(spec.LastIndexOf('/') + 1)..];
}
