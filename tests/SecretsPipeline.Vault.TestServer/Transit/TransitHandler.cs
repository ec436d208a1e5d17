using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>Routes <c>transit/</c>; handles keys: create, read, list, delete, rotate, config (spec §6.1–§6.3).</summary>
internal static class TransitHandler
{
    internal const string MountType = "transit";

    public static VaultResponse Handle(VaultRequest request, TransitEngine engine, string rest)
    {
        var parts = rest.Split('/');
        return parts switch
        {
            ["keys", ""] or ["keys"] when request.Operation == VaultOperation.List => List(engine),
            ["keys", var name] when name.Length > 0 => Key(request, engine, name),
            ["keys", var name, "rotate"] => request.Operation == VaultOperation.Update ? Rotate(request, engine, name) : VaultResponse.UnsupportedOperation(),
            ["keys", var name, "config"] => request.Operation == VaultOperation.Update ? Config(request, engine, name) : VaultResponse.UnsupportedOperation(),
            ["sign" or "verify" or "hmac", var name, .. var tail] when name.Length > 0 && tail.Length <= 1 =>
                request.Operation == VaultOperation.Update
                    ? TransitSigning.Handle(request, engine, parts[0], name, tail.FirstOrDefault())
                    : VaultResponse.UnsupportedOperation(),
            _ => VaultResponse.NotFound(),
        };
    }

    private static VaultResponse List(TransitEngine engine)
    {
        var names = engine.Names.Select(n => (JsonNode?)n).ToArray();
        return names.Length == 0 ? VaultResponse.NotFound() : VaultResponse.Ok(new JsonObject { ["keys"] = new JsonArray(names) }, MountType);
    }

    private static VaultResponse Key(VaultRequest request, TransitEngine engine, string name)
    {
        switch (request.Operation)
        {
            case VaultOperation.Read:
                return engine.Get(name) is { } key ? VaultResponse.Ok(Describe(key), MountType) : VaultResponse.NotFound();
            case VaultOperation.Update:
                var type = request.GetString("type") is { Length: > 0 } t ? t : "aes256-gcm96";
                return engine.TryCreate(name, type, out var created) is { } error
                    ? VaultResponse.BadRequest(error)
                    : VaultResponse.Ok(Describe(created), MountType);
            case VaultOperation.Delete:
                if (engine.Get(name) is { DeletionAllowed: false })
                {
                    return VaultResponse.BadRequest("deletion is not allowed for this key");
                }

                engine.Delete(name);
                return VaultResponse.NoContent();
            default:
                return VaultResponse.UnsupportedOperation();
        }
    }

    private static VaultResponse Rotate(VaultRequest request, TransitEngine engine, string name)
    {
        if (engine.Get(name) is not { } key)
        {
            return VaultResponse.BadRequest("key not found");
        }

        key.Rotate(request.Now);
        return VaultResponse.Ok(Describe(key), MountType);
    }

    private static VaultResponse Config(VaultRequest request, TransitEngine engine, string name)
    {
        if (engine.Get(name) is not { } key)
        {
            return VaultResponse.BadRequest("no existing key named " + name + " could be found");
        }

        if (!request.TryGetInt("min_decryption_version", out var minDecrypt, out var error)
            || !request.TryGetInt("min_encryption_version", out var minEncrypt, out error)
            || !request.TryGetBool("deletion_allowed", key.DeletionAllowed, out var deletionAllowed, out error)
            || !request.TryGetBool("exportable", key.Exportable, out var exportable, out error)
            || !request.TryGetDuration("auto_rotate_period", out var rotatePeriod, out error))
        {
            return error!;
        }

        if (minDecrypt > key.LatestVersion || minEncrypt > key.LatestVersion)
        {
            return VaultResponse.BadRequest("cannot set min encryption/decryption version to a value greater than the latest version");
        }

        key.MinDecryptionVersion = request.Has("min_decryption_version") ? Math.Max(1, (int)minDecrypt) : key.MinDecryptionVersion;
        key.MinEncryptionVersion = request.Has("min_encryption_version") ? (int)minEncrypt : key.MinEncryptionVersion;
        key.DeletionAllowed = deletionAllowed;
        key.Exportable = exportable;
        key.AutoRotatePeriod = request.Has("auto_rotate_period") ? rotatePeriod : key.AutoRotatePeriod;
        return VaultResponse.Ok(Describe(key), MountType);
    }

    /// <summary><c>formatKeyPolicy</c>: asymmetric keys list public keys per version, symmetric ones creation Unix seconds.</summary>
    internal static JsonObject Describe(TransitKey key)
    {
        var keys = new JsonObject();
        foreach (var (number, version) in key.Versions)
        {
            keys[number.ToString(CultureInfo.InvariantCulture)] = key.IsAsymmetric
                ? new JsonObject
                {
                    ["certificate_chain"] = "",
                    ["creation_time"] = GoFormat.Time(version.CreationTime),
                    ["name"] = key.Type switch { "ecdsa-p256" => "P-256", "ecdsa-p384" => "P-384", "ecdsa-p521" => "P-521", var rsa => rsa },
                    ["public_key"] = version.PublicKeyPem(),
                }
                : version.CreationTime.ToUnixTimeSeconds();
        }

        var data = new JsonObject
        {
            ["allow_plaintext_backup"] = false,
            ["auto_rotate_period"] = (long)key.AutoRotatePeriod.TotalSeconds,
            ["deletion_allowed"] = key.DeletionAllowed,
            ["derived"] = false,
            ["exportable"] = key.Exportable,
            ["imported_key"] = false,
            ["keys"] = keys,
            ["latest_version"] = key.LatestVersion,
            ["min_available_version"] = 0,
            ["min_decryption_version"] = key.MinDecryptionVersion,
            ["min_encryption_version"] = key.MinEncryptionVersion,
            ["name"] = key.Name,
            ["supports_decryption"] = key.IsSymmetricCipher,
            ["supports_derivation"] = key.IsSymmetricCipher,
            ["supports_encryption"] = key.IsSymmetricCipher,
            ["supports_signing"] = key.IsAsymmetric,
            ["type"] = key.Type,
        };
        if (key.Type == "hmac")
        {
            data["key_size"] = 32;
        }

        return data;
    }
}
