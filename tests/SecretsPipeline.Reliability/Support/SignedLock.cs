using System.Globalization;
using System.Security.Cryptography;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Signing;

namespace SecretsPipeline.Reliability.Support;

/// <summary>
/// A signed lock of 50 entries (40 static pins with fingerprints, 10 dynamic, over two environments) made in process
/// with a fresh local key, and a verifier that trusts that key only: the same code <c>verify</c> and <c>resolve</c> run.
/// </summary>
public sealed class SignedLock : IDisposable
{
    public const string Path = "secrets.lock.json";

    private readonly string _home;

    private SignedLock(string home, ECDsa key, LocalTrustSource trust, LockFile lockFile, byte[] bytes)
    {
        _home = home;
        Key = key;
        Trust = trust;
        Lock = lockFile;
        Bytes = bytes;
        Verifier = new LockVerifier([trust]);
    }

    public ECDsa Key { get; }

    public LocalTrustSource Trust { get; }

    public LockFile Lock { get; }

    public byte[] Bytes { get; }

    public LockVerifier Verifier { get; }

    public int EntryCount => Lock.Environments.Values.Sum(e => e.Secrets.Count);

    public static async Task<SignedLock> CreateAsync()
    {
        var home = Directory.CreateTempSubdirectory("spl-reliability-home-").FullName;
        var pipelineHome = new SecretsPipelineHome(home);
        EcdsaKeys.EnsureSigningKey(pipelineHome);
        var key = EcdsaKeys.LoadPrivate(pipelineHome);
        var trust = LocalTrustSource.Load(pipelineHome, [], null);
        var created = new DateTimeOffset(2025, 3, 14, 15, 9, 26, TimeSpan.Zero);
        var environments = new Dictionary<string, EnvironmentLock>(StringComparer.Ordinal);
        foreach (var (environment, offset) in new[] { ("production", 0), ("staging", 25) })
        {
            var secrets = new Dictionary<string, SecretPin>(StringComparer.Ordinal);
            for (var i = 0; i < 25; i++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"SECRET_{offset + i:D2}");
                secrets[name] = i % 5 == 4
                    ? new SecretPin(null, null, null, null, $"database/creds/role{i}", "1h", i % 2 == 0 ? "24h" : null, ["username", "password"])
                    : SecretPin.Static(
                        $"secret/{environment}/app/s{i}#value",
                        (i + 1).ToString(CultureInfo.InvariantCulture),
                        created.AddMinutes(i),
                        i % 3 == 0 ? null : $"hmac-sha256:{Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(offset + i)))}");
            }

            var store = new Dictionary<string, string>(StringComparer.Ordinal) { ["type"] = "vault", ["address"] = "https://vault.example.com:8200" };
            if (environment == "staging")
            {
                store["namespace"] = "team-a";
            }

            environments[environment] = new EnvironmentLock(store, secrets);
        }

        var unsigned = new LockFile($"sha256:{Convert.ToHexStringLower(SHA256.HashData("manifest"u8))}", environments, []);
        using var signer = new LocalSigner(EcdsaKeys.LoadPrivate(pipelineHome));
        var signed = unsigned.WithSignatures([await signer.SignAsync(LockSerializer.SignedPayload(unsigned), CancellationToken.None)]);
        var bytes = LockSerializer.Serialize(signed);
        return new SignedLock(home, key, trust, LockSerializer.Parse(Path, bytes), bytes);
    }

    /// <summary>Parses and verifies <paramref name="bytes"/> as <c>verify</c> does; throws what the tool would report.</summary>
    public Task<string> VerifyAsync(byte[] bytes) => Verifier.VerifyAsync(Path, LockSerializer.Parse(Path, bytes), CancellationToken.None);

    public void Dispose()
    {
        Key.Dispose();
        Trust.Dispose();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary folder.
        }
    }
}
