using System.Security.Cryptography;

namespace SecretsPipeline.Vault.TestServer;

internal sealed class TransitKeyVersion
{
    public required DateTimeOffset CreationTime { get; init; }

    /// <summary>Per-version HMAC key; every key type has one (spec §6.6).</summary>
    public required byte[] HmacKey { get; init; }

    public ECDsa? Ecdsa { get; init; }

    public RSA? Rsa { get; init; }

    public string PublicKeyPem() =>
        (Ecdsa?.ExportSubjectPublicKeyInfoPem() ?? Rsa?.ExportSubjectPublicKeyInfoPem() ?? "") is { Length: > 0 } pem ? pem + "\n" : "";
}

internal sealed class TransitKey
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public int LatestVersion { get; set; }

    public int MinDecryptionVersion { get; set; } = 1;

    public int MinEncryptionVersion { get; set; }

    public bool DeletionAllowed { get; set; }

    public bool Exportable { get; set; }

    public TimeSpan AutoRotatePeriod { get; set; }

    public SortedDictionary<int, TransitKeyVersion> Versions { get; } = [];

    public bool IsAsymmetric => Type.StartsWith("ecdsa-", StringComparison.Ordinal) || Type.StartsWith("rsa-", StringComparison.Ordinal);

    public bool IsSymmetricCipher => Type is "aes128-gcm96" or "aes256-gcm96" or "chacha20-poly1305";

    public void Rotate(DateTimeOffset now)
    {
        LatestVersion++;
        Versions[LatestVersion] = new TransitKeyVersion
        {
            CreationTime = now,
            HmacKey = RandomNumberGenerator.GetBytes(32),
            Ecdsa = Type switch
            {
                "ecdsa-p256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
                "ecdsa-p384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
                "ecdsa-p521" => ECDsa.Create(ECCurve.NamedCurves.nistP521),
                _ => null,
            },
            Rsa = Type.StartsWith("rsa-", StringComparison.Ordinal) ? RSA.Create(int.Parse(Type[4..], System.Globalization.CultureInfo.InvariantCulture)) : null,
        };
    }
}

/// <summary>The <c>transit/</c> engine (spec §6): ECDSA (P-256/384/521) and RSA signing, HMAC with any key type. No Ed25519 (.NET 10 has no API for it).</summary>
public sealed class TransitEngine
{
    private static readonly string[] _supportedTypes =
        ["aes128-gcm96", "aes256-gcm96", "chacha20-poly1305", "hmac", "ecdsa-p256", "ecdsa-p384", "ecdsa-p521", "rsa-2048", "rsa-3072", "rsa-4096"];

    private readonly FakeVaultState _state;
    private readonly Dictionary<string, TransitKey> _keys = new(StringComparer.Ordinal);

    internal TransitEngine(FakeVaultState state, string mountPath)
    {
        _state = state;
        MountPath = mountPath;
    }

    public string MountPath { get; }

    public IReadOnlyList<string> KeyNames
    {
        get
        {
            lock (_state.Sync)
            {
                return [.. _keys.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Creates a key (no-op if it exists). Throws <see cref="ArgumentException"/> for unsupported types such as <c>ed25519</c>.</summary>
    public void CreateKey(string name, string type = "aes256-gcm96")
    {
        lock (_state.Sync)
        {
            if (TryCreate(name, type, out _) is { } error)
            {
                throw new ArgumentException(error, nameof(type));
            }
        }
    }

    public void RotateKey(string name)
    {
        lock (_state.Sync)
        {
            Require(name).Rotate(_state.Now);
        }
    }

    public int LatestVersion(string name)
    {
        lock (_state.Sync)
        {
            return Require(name).LatestVersion;
        }
    }

    /// <summary>PEM (PKIX) public key of an asymmetric key version (0 = latest), as <c>GET transit/keys/&lt;name&gt;</c> shows it.</summary>
    public string PublicKeyPem(string name, int version = 0)
    {
        lock (_state.Sync)
        {
            var key = Require(name);
            return key.Versions[version > 0 ? version : key.LatestVersion].PublicKeyPem();
        }
    }

    public void SetMinDecryptionVersion(string name, int version)
    {
        lock (_state.Sync)
        {
            Require(name).MinDecryptionVersion = version;
        }
    }

    internal TransitKey? Get(string name) => _keys.GetValueOrDefault(name);

    internal IEnumerable<string> Names => _keys.Keys.Order(StringComparer.Ordinal);

    internal bool Delete(string name) => _keys.Remove(name);

    /// <summary>Returns an error message, or null with the (new or existing) key.</summary>
    internal string? TryCreate(string name, string type, out TransitKey key)
    {
        key = null!;
        if (_keys.TryGetValue(name, out var existing))
        {
            key = existing;
            return null;
        }

        if (type == "ed25519")
        {
            return "key type ed25519 is not supported by this fake Vault server (.NET 10 has no Ed25519 API)";
        }

        if (!_supportedTypes.Contains(type))
        {
            return $"unknown key type {type}";
        }

        key = new TransitKey { Name = name, Type = type };
        key.Rotate(_state.Now);
        _keys[name] = key;
        return null;
    }

    private TransitKey Require(string name) =>
        _keys.GetValueOrDefault(name) ?? throw new KeyNotFoundException($"No transit key '{name}'.");
}
