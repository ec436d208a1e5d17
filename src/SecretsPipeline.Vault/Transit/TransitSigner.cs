using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Signing;

namespace SecretsPipeline.Vault.Transit;

/// <summary>Signs locks with a Vault transit key (<c>ecdsa-p256</c> or <c>ed25519</c>); the private key never leaves Vault.</summary>
public sealed class TransitSigner(TransitClient transit, string mount, string key) : ILockSigner
{
    public const string Algorithm = "vault-transit";

    public string KeyId { get; } = KeyIdFor(mount, key);

    /// <summary>The id names the mount and key, not the address, so dev and CI reaching one Vault by different names agree.</summary>
    public static string KeyIdFor(string mount, string key) => $"vault-transit:{mount.Trim('/')}/{key}";

    public async Task<LockSignature> SignAsync(byte[] payload, CancellationToken cancellationToken) =>
        new(Algorithm, KeyId, await transit.SignAsync(key, payload, cancellationToken).ConfigureAwait(false));
}
