using System.Security.Cryptography;
using SecretsPipeline.Core.Lock;

namespace SecretsPipeline.Core.Signing;

/// <summary>Signs with the local ECDSA P-256 key from the home folder.</summary>
public sealed class LocalSigner(ECDsa key) : ILockSigner, IDisposable
{
    public string KeyId { get; } = EcdsaKeys.KeyId(key);

    public Task<LockSignature> SignAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var signature = key.SignData(payload, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return Task.FromResult(new LockSignature(EcdsaKeys.Algorithm, KeyId, Convert.ToBase64String(signature)));
    }

    /// <summary>The public half, as a signing-key.pub.pem holds it.</summary>
    public string PublicKeyPem() => key.ExportSubjectPublicKeyInfoPem();

    public void Dispose() => key.Dispose();
}
