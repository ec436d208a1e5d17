using System.Security.Cryptography;
using System.Text;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Signing;

namespace SecretsPipeline.Stores.Local;

/// <summary>
/// The 256-bit key that encrypts the embedded store, kept in the home folder (never in the repository).
/// Sub-keys for encryption and fingerprints are derived with HKDF so one file serves both purposes safely.
/// </summary>
public sealed class LocalStoreKey
{
    private LocalStoreKey(byte[] master)
    {
        Encryption = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: Encoding.ASCII.GetBytes("secrets-pipeline local-store encryption v1"));
        Fingerprint = HKDF.DeriveKey(HashAlgorithmName.SHA256, master, 32, info: Encoding.ASCII.GetBytes("secrets-pipeline local-store fingerprint v1"));
        Check = Convert.ToBase64String(HMACSHA256.HashData(Fingerprint, Encoding.ASCII.GetBytes("key-check")));
    }

    public byte[] Encryption { get; }

    public byte[] Fingerprint { get; }

    /// <summary>A value stored in the database that tells whether this is the key the database was written with.</summary>
    public string Check { get; }

    /// <summary>Creates the key file unless it exists; returns whether it created one.</summary>
    public static bool Ensure(SecretsPipelineHome home)
    {
        if (File.Exists(home.LocalStoreKey))
        {
            return false;
        }

        home.EnsureExists();
        AtomicFile.Write(home.LocalStoreKey, Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return true;
    }

    public static LocalStoreKey Load(SecretsPipelineHome home)
    {
        if (!File.Exists(home.LocalStoreKey))
        {
            throw new SecretsPipelineException(
                Codes.StoreKeyMissing,
                $"the embedded store's key {home.LocalStoreKey} does not exist; run `secrets-pipeline init` (or set {SecretsPipelineHome.Variable} to the folder that holds it).");
        }

        var bytes = new byte[32];
        if (!Convert.TryFromBase64String(File.ReadAllText(home.LocalStoreKey).Trim(), bytes, out var written) || written != 32)
        {
            throw new SecretsPipelineException(Codes.StoreKeyMissing, $"the embedded store's key {home.LocalStoreKey} is not a base64 256-bit key; restore it from your backup.");
        }

        return new LocalStoreKey(bytes);
    }
}
