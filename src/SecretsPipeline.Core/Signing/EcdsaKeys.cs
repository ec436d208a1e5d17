using System.Security.Cryptography;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Core.Signing;

/// <summary>Local ECDSA P-256 keys: creation, loading, and the key id written next to each signature.</summary>
public static class EcdsaKeys
{
    public const string Algorithm = "ecdsa-p256-sha256";

    /// <summary><c>local:</c> and the first 16 bytes of the SHA-256 of the public key (SubjectPublicKeyInfo), in hex.</summary>
    public static string KeyId(ECDsa key) => "local:" + Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..32];

    /// <summary>Creates the signing key pair in the home folder unless one exists; returns whether it created one.</summary>
    public static bool EnsureSigningKey(SecretsPipelineHome home)
    {
        if (File.Exists(home.SigningKey))
        {
            return false;
        }

        home.EnsureExists();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        AtomicFile.Write(home.SigningKey, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        AtomicFile.Write(home.SigningPublicKey, System.Text.Encoding.ASCII.GetBytes(key.ExportSubjectPublicKeyInfoPem() + "\n"));
        return true;
    }

    public static ECDsa LoadPrivate(SecretsPipelineHome home)
    {
        if (!File.Exists(home.SigningKey))
        {
            throw new SecretsPipelineException(
                Codes.SigningKeyMissing,
                $"no signing key at {home.SigningKey}; run `secrets-pipeline init` (or set {SecretsPipelineHome.Variable} to the folder that holds it).");
        }

        return Import(File.ReadAllText(home.SigningKey), privateKey: true)
            ?? throw new SecretsPipelineException(
                Codes.SigningKeyInvalid,
                "the signing key is not a PEM ECDSA P-256 private key; restore it from your backup, or move it aside and run `secrets-pipeline init` to create a new one (then share the new signing-key.pub.pem with whoever verifies your locks).",
                new SourceLocation(home.SigningKey));
    }

    /// <summary>Reads a public key from PEM text; the source names where it came from for the error message.</summary>
    public static ECDsa LoadPublic(string pem, string source) =>
        Import(pem, privateKey: false)
        ?? throw new SecretsPipelineException(
            Codes.TrustKeyInvalid,
            $"trusted key from {source} is not a PEM ECDSA P-256 public key; pass the contents of a signing-key.pub.pem.");

    /// <summary>
    /// One P-256 key from PEM text, private (PKCS#8 or SEC1) or public (SubjectPublicKeyInfo), or null when the text
    /// holds no such key, another curve or algorithm, several keys, or the other kind of key.
    /// </summary>
    private static ECDsa? Import(string pem, bool privateKey)
    {
        var key = ECDsa.Create();
        try
        {
            if (SingleBlock(pem, privateKey ? "PRIVATE KEY" : "PUBLIC KEY") is { } der)
            {
                int read;
                if (privateKey)
                {
                    key.ImportPkcs8PrivateKey(der, out read);
                }
                else
                {
                    key.ImportSubjectPublicKeyInfo(der, out read);
                }

                RequireWhole(der, read);
            }
            else
            {
                // Whatever ImportFromPem takes (other labels, extra blocks such as EC PARAMETERS), then the right kind.
                key.ImportFromPem(pem);
                if (HasPrivatePart(key) != privateKey)
                {
                    throw new CryptographicException(privateKey ? "a public key where the private key belongs" : "a private key given as a trusted key");
                }
            }

            if (key.KeySize != 256)
            {
                throw new CryptographicException("not a P-256 key");
            }

            return key;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            key.Dispose();
            return null;
        }
    }

    private static bool HasPrivatePart(ECDsa key)
    {
        try
        {
            _ = key.ExportParameters(includePrivateParameters: true);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// The DER of the one <paramref name="label"/> block of a key file as <see cref="EnsureSigningKey"/> writes it, or
    /// null for anything else, which then goes through <see cref="AsymmetricAlgorithm.ImportFromPem"/>. The shortcut
    /// exists for speed: ImportFromPem's general PEM search cost every command that reads a key about 11 ms in a
    /// fresh process, decoding the block here and importing the DER about 2.
    /// </summary>
    private static byte[]? SingleBlock(string pem, string label)
    {
        var header = $"-----BEGIN {label}-----";
        var begin = pem.IndexOf("-----BEGIN ", StringComparison.Ordinal);
        if (begin < 0 || begin != pem.LastIndexOf("-----BEGIN ", StringComparison.Ordinal) || string.CompareOrdinal(pem, begin, header, 0, header.Length) != 0)
        {
            return null;
        }

        var body = begin + header.Length;
        var end = pem.IndexOf($"-----END {label}-----", body, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        try
        {
            return Convert.FromBase64String(pem[body..end]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static void RequireWhole(byte[] der, int read)
    {
        if (read != der.Length)
        {
            throw new CryptographicException("trailing bytes after the key");
        }
    }
}
