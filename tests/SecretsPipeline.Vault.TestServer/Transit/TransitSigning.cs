using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary><c>transit/sign</c>, <c>verify</c> and <c>hmac</c> (spec §6.4–§6.6) with Vault's <c>vault:vN:</c> format and error texts.</summary>
internal static class TransitSigning
{
    private const string Prefix = "vault:v";

    public static VaultResponse Handle(VaultRequest request, TransitEngine engine, string action, string name, string? urlAlgorithm)
    {
        var algorithm = urlAlgorithm ?? request.GetString("hash_algorithm") ?? request.GetString("algorithm") ?? "sha2-256";
        if (HashName(algorithm) is not { } hash)
        {
            return VaultResponse.BadRequest($"unsupported hash algorithm {algorithm}");
        }

        if (!TryBase64(request.GetString("input") ?? "", out var input))
        {
            return VaultResponse.BadRequest("unable to decode input as base64: illegal base64 data at input byte 0");
        }

        var key = engine.Get(name);
        var hmac = request.GetString("hmac") ?? "";
        var signature = request.GetString("signature") ?? "";
        return action switch
        {
            "hmac" => key is null ? VaultResponse.BadRequest("encryption key not found") : Hmac(request, key, hash, input),
            _ when action == "verify" && hmac.Length > 0 && signature.Length > 0 => VaultResponse.BadRequest("provide one of 'signature' or 'hmac'"),
            _ when action == "verify" && hmac.Length == 0 && signature.Length == 0 => VaultResponse.BadRequest("neither a 'signature' nor an 'hmac' were given to verify"),
            _ when action == "verify" && hmac.Length > 0 => key is null ? VaultResponse.BadRequest("encryption key not found") : VerifyHmac(key, hash, input, hmac),
            "verify" => key is null ? VaultResponse.BadRequest("signature verification key not found") : VerifySignature(request, key, hash, input, signature),
            _ => key is null ? VaultResponse.BadRequest("signing key not found") : Sign(request, key, hash, input),
        };
    }

    private static VaultResponse Sign(VaultRequest request, TransitKey key, HashAlgorithmName hash, byte[] input)
    {
        if (!key.IsAsymmetric)
        {
            return VaultResponse.BadRequest($"key type {key.Type} does not support signing");
        }

        if (!request.TryGetInt("key_version", out var requested, out var error) || !request.TryGetBool("prehashed", false, out var prehashed, out error))
        {
            return error!;
        }

        var number = requested > 0 ? (int)requested : key.LatestVersion;
        if (number > key.LatestVersion || !key.Versions.TryGetValue(number, out var version))
        {
            return VaultResponse.BadRequest("requested version for signing does not exist");
        }

        if (key.MinEncryptionVersion > 0 && number < key.MinEncryptionVersion)
        {
            return VaultResponse.BadRequest("requested version for signing is less than the minimum encryption key version");
        }

        var jws = request.GetString("marshaling_algorithm") is "jws";
        byte[] signature;
        if (version.Ecdsa is { } ecdsa)
        {
            var format = jws ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation : DSASignatureFormat.Rfc3279DerSequence;
            signature = prehashed ? ecdsa.SignHash(input, format) : ecdsa.SignData(input, hash, format);
        }
        else
        {
            var padding = RsaPadding(request);
            signature = prehashed ? version.Rsa!.SignHash(input, hash, padding) : version.Rsa!.SignData(input, hash, padding);
        }

        var encoded = jws && version.Ecdsa is not null ? Base64Url.EncodeToString(signature) : Convert.ToBase64String(signature);
        return VaultResponse.Ok(new JsonObject { ["key_version"] = number, ["signature"] = $"{Prefix}{number}:{encoded}" }, TransitHandler.MountType);
    }

    private static VaultResponse VerifySignature(VaultRequest request, TransitKey key, HashAlgorithmName hash, byte[] input, string signature)
    {
        if (!key.IsAsymmetric)
        {
            return VaultResponse.BadRequest($"key type {key.Type} does not support verification");
        }

        if (!request.TryGetBool("prehashed", false, out var prehashed, out var error))
        {
            return error!;
        }

        if (!signature.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return VaultResponse.BadRequest("invalid signature: no prefix");
        }

        var fields = signature[Prefix.Length..].Split(':', 2);
        if (fields.Length != 2)
        {
            return VaultResponse.BadRequest("invalid signature: wrong number of fields");
        }

        if (!int.TryParse(fields[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return VaultResponse.BadRequest("invalid signature: version number could not be decoded");
        }

        if (number > key.LatestVersion)
        {
            return VaultResponse.BadRequest("invalid signature: version is too new");
        }

        if ((key.MinDecryptionVersion > 0 && number < key.MinDecryptionVersion) || !key.Versions.TryGetValue(number, out var version))
        {
            return VaultResponse.BadRequest("ciphertext or signature version is disallowed by policy (too old)");
        }

        var jws = request.GetString("marshaling_algorithm") is "jws" && version.Ecdsa is not null;
        var decoded = jws ? TryBase64Url(fields[1], out var bytes) : TryBase64(fields[1], out bytes);
        if (!decoded)
        {
            return VaultResponse.BadRequest("invalid base64 signature value");
        }

        bool valid;
        if (version.Ecdsa is { } ecdsa)
        {
            var format = jws ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation : DSASignatureFormat.Rfc3279DerSequence;
            valid = prehashed ? ecdsa.VerifyHash(input, bytes, format) : ecdsa.VerifyData(input, bytes, hash, format);
        }
        else
        {
            var padding = RsaPadding(request);
            valid = prehashed ? version.Rsa!.VerifyHash(input, bytes, hash, padding) : version.Rsa!.VerifyData(input, bytes, hash, padding);
        }

        return VaultResponse.Ok(new JsonObject { ["valid"] = valid }, TransitHandler.MountType);
    }

    private static VaultResponse Hmac(VaultRequest request, TransitKey key, HashAlgorithmName hash, byte[] input)
    {
        if (!request.TryGetInt("key_version", out var requested, out var error))
        {
            return error!;
        }

        var number = requested > 0 ? (int)requested : key.LatestVersion;
        if (!key.Versions.TryGetValue(number, out var version))
        {
            return VaultResponse.BadRequest("invalid key version");
        }

        var mac = CryptographicOperations.HmacData(hash, version.HmacKey, input);
        return VaultResponse.Ok(new JsonObject { ["hmac"] = $"{Prefix}{number}:{Convert.ToBase64String(mac)}" }, TransitHandler.MountType);
    }

    private static VaultResponse VerifyHmac(TransitKey key, HashAlgorithmName hash, byte[] input, string hmac)
    {
        if (!hmac.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return VaultResponse.BadRequest("invalid HMAC to verify: no prefix");
        }

        var fields = hmac[Prefix.Length..].Split(':', 2);
        if (fields.Length != 2)
        {
            return VaultResponse.BadRequest("invalid HMAC: wrong number of fields");
        }

        if (!int.TryParse(fields[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return VaultResponse.BadRequest("invalid HMAC: version number could not be decoded");
        }

        if (!TryBase64(fields[1], out var expected))
        {
            return VaultResponse.BadRequest("unable to decode verification HMAC as base64: illegal base64 data at input byte 0");
        }

        if (number > key.LatestVersion)
        {
            return VaultResponse.BadRequest("invalid HMAC: version is too new");
        }

        if ((key.MinDecryptionVersion > 0 && number < key.MinDecryptionVersion) || !key.Versions.TryGetValue(number, out var version))
        {
            return VaultResponse.BadRequest("cannot verify HMAC: version is too old (disallowed by policy)");
        }

        var actual = CryptographicOperations.HmacData(hash, version.HmacKey, input);
        var valid = CryptographicOperations.FixedTimeEquals(actual, expected);
        return VaultResponse.Ok(new JsonObject { ["valid"] = valid }, TransitHandler.MountType);
    }

    private static RSASignaturePadding RsaPadding(VaultRequest request) =>
        request.GetString("signature_algorithm") is "pkcs1v15" ? RSASignaturePadding.Pkcs1 : RSASignaturePadding.Pss;

    private static HashAlgorithmName? HashName(string algorithm) => algorithm switch
    {
        "sha1" => HashAlgorithmName.SHA1,
        "sha2-256" => HashAlgorithmName.SHA256,
        "sha2-384" => HashAlgorithmName.SHA384,
        "sha2-512" => HashAlgorithmName.SHA512,
        "sha3-256" when SHA3_256.IsSupported => HashAlgorithmName.SHA3_256,
        "sha3-384" when SHA3_384.IsSupported => HashAlgorithmName.SHA3_384,
        "sha3-512" when SHA3_512.IsSupported => HashAlgorithmName.SHA3_512,
        _ => null,
    };

    private static bool TryBase64(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (Convert.TryFromBase64String(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }

    private static bool TryBase64Url(string text, out byte[] bytes)
    {
        bytes = new byte[text.Length];
        if (Base64Url.IsValid(text) && Base64Url.TryDecodeFromChars(text, bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
