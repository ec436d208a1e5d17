using System.Security.Cryptography;
using SecretsPipeline.Core.Lock;

namespace SecretsPipeline.Core.Signing;

/// <summary>
/// Public keys trusted from outside the repository: the user's own signing key, PEM files in
/// <c>$SECRETS_PIPELINE_HOME/trusted-keys/</c>, <c>--trust-key</c> and the <c>SECRETS_PIPELINE_TRUSTED_KEYS</c> variable.
/// </summary>
public sealed class LocalTrustSource : ITrustSource, IDisposable
{
    public const string Variable = "SECRETS_PIPELINE_TRUSTED_KEYS";

    private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <param name="home">The home folder.</param>
    /// <param name="extra">PEM texts or paths to PEM files (from <c>--trust-key</c>).</param>
    /// <param name="variable">The value of <see cref="Variable"/>: PEM blocks or paths separated by the path separator.</param>
    public static LocalTrustSource Load(SecretsPipelineHome home, IEnumerable<string> extra, string? variable)
    {
        var source = new LocalTrustSource();
        if (File.Exists(home.SigningPublicKey))
        {
            source.Add(File.ReadAllText(home.SigningPublicKey), home.SigningPublicKey);
        }

        if (Directory.Exists(home.TrustedKeys))
        {
            foreach (var file in Directory.EnumerateFiles(home.TrustedKeys, "*.pem").Order(StringComparer.Ordinal))
            {
                source.Add(File.ReadAllText(file), file);
            }
        }

        foreach (var item in extra)
        {
            source.AddPemOrPath(item, "--trust-key");
        }

        if (!string.IsNullOrWhiteSpace(variable))
        {
            if (variable.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                foreach (var block in variable.Split("-----END PUBLIC KEY-----", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (block.Length > 0)
                    {
                        source.Add(block + "\n-----END PUBLIC KEY-----", Variable);
                    }
                }
            }
            else
            {
                foreach (var path in variable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    source.AddPemOrPath(path, Variable);
                }
            }
        }

        return source;
    }

    public Task<bool?> VerifyAsync(LockSignature signature, byte[] payload, CancellationToken cancellationToken)
    {
        if (signature.Algorithm != EcdsaKeys.Algorithm || !_keys.TryGetValue(signature.KeyId, out var key))
        {
            return Task.FromResult<bool?>(null);
        }

        var bytes = new byte[64];
        // Base64 decoders ignore non-zero padding bits; requiring the canonical encoding makes every character count.
        var valid = Convert.TryFromBase64String(signature.Value, bytes, out var written)
            && written == 64
            && Convert.ToBase64String(bytes) == signature.Value
            && key.VerifyData(payload, bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return Task.FromResult<bool?>(valid);
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }

    /// <summary>Trust in exactly one public key, given as PEM text.</summary>
    internal static LocalTrustSource Of(string pem, string source)
    {
        var trust = new LocalTrustSource();
        trust.Add(pem, source);
        return trust;
    }

    private void AddPemOrPath(string item, string source)
    {
        if (item.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            Add(item, source);
        }
        else
        {
            Add(File.Exists(item) ? File.ReadAllText(item) : item, $"{source} {item}");
        }
    }

    private void Add(string pem, string source)
    {
        var key = EcdsaKeys.LoadPublic(pem, source);
        _keys.TryAdd(EcdsaKeys.KeyId(key), key);
    }
}
