using System.Globalization;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Core.Lock;

/// <summary>
/// Writes and reads <c>secrets.lock.json</c>. Reading is strict: unknown fields, wrong types and any byte that differs
/// from the canonical form are refused, so a hand edit cannot slip past a signature check by changing only layout.
/// </summary>
public static class LockSerializer
{
    public static byte[] Serialize(LockFile lockFile) => Write(lockFile, includeSignatures: true);

    /// <summary>The bytes the signatures cover: the canonical lock without its <c>signatures</c> field.</summary>
    public static byte[] SignedPayload(LockFile lockFile) => Write(lockFile, includeSignatures: false);

    /// <summary>The canonical JSON of the lock, written without building a JSON tree first (verify and lock write every pin twice).</summary>
    private static byte[] Write(LockFile lockFile, bool includeSignatures) =>
        CanonicalJson.Write((lockFile, includeSignatures), static (writer, state) => WriteLock(writer, state.lockFile, state.includeSignatures), SizeHint(lockFile));

    // About what a pin takes in the file (a static pin is ~230 bytes), so a large lock is written without regrowing.
    private static int SizeHint(LockFile lockFile)
    {
        var pins = 0;
        foreach (var environment in lockFile.Environments.Values)
        {
            pins += environment.Secrets.Count;
        }

        return 4096 + (256 * pins);
    }

    // Keys in ordinal order at every level, as CanonicalJson sorts a tree; absent optional fields are left out.
    private static void WriteLock(CanonicalJsonWriter writer, LockFile lockFile, bool includeSignatures)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("environments");
        foreach (var name in Sorted(lockFile.Environments.Keys))
        {
            var environment = lockFile.Environments[name];
            writer.WriteStartObject(name);
            writer.WriteStartObject("secrets");
            foreach (var secretName in Sorted(environment.Secrets.Keys))
            {
                writer.WritePropertyName(secretName);
                WritePin(writer, environment.Secrets[secretName]);
            }

            writer.WriteEndObject();
            writer.WriteStartObject("store");
            foreach (var key in Sorted(environment.Store.Keys))
            {
                writer.WriteStringOrNull(key, environment.Store[key]);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteNumber("lock_version", LockFile.FormatVersion);
        writer.WriteStringOrNull("manifest_digest", lockFile.ManifestDigest);
        if (includeSignatures)
        {
            writer.WriteStartArray("signatures");
            var signatures = lockFile.Signatures.ToArray();
            Array.Sort(signatures, static (a, b) => string.CompareOrdinal(a.KeyId, b.KeyId));
            foreach (var signature in signatures)
            {
                writer.WriteStartObject();
                writer.WriteStringOrNull("algorithm", signature.Algorithm);
                writer.WriteStringOrNull("key_id", signature.KeyId);
                writer.WriteStringOrNull("value", signature.Value);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WritePin(CanonicalJsonWriter writer, SecretPin pin)
    {
        writer.WriteStartObject();
        if (pin.IsDynamic)
        {
            writer.WriteStringOrNull("dynamic", pin.Dynamic);
            writer.WriteStartArray("fields");
            foreach (var field in pin.Fields!)
            {
                writer.WriteStringValue(field);
            }

            writer.WriteEndArray();
            if (pin.MaxTtl is not null)
            {
                writer.WriteStringOrNull("max_ttl", pin.MaxTtl);
            }

            if (pin.Ttl is not null)
            {
                writer.WriteStringOrNull("ttl", pin.Ttl);
            }
        }
        else
        {
            if (pin.Created is { } created)
            {
                writer.WriteStringOrNull("created", UtcTimestamp.ToText(created));
            }

            if (pin.Fingerprint is not null)
            {
                writer.WriteStringOrNull("fingerprint", pin.Fingerprint);
            }

            writer.WriteStringOrNull("ref", pin.Ref);
            writer.WriteStringOrNull("version", pin.Version);
        }

        writer.WriteEndObject();
    }

    private static string[] Sorted(IEnumerable<string> keys)
    {
        var sorted = keys.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return sorted;
    }

    public static LockFile Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new SecretsPipelineException(Codes.LockNotFound, "file not found; run `secrets-pipeline lock` to create it.", new SourceLocation(path));
        }

        return Parse(path, File.ReadAllBytes(path));
    }

    public static LockFile Parse(string path, byte[] bytes)
    {
        JsonTreeNode root;
        try
        {
            root = JsonTreeReader.Parse(bytes);
        }
        catch (JsonTreeException ex) when (ex.InvalidUtf8)
        {
            throw Invalid(path, $"it is not valid UTF-8 JSON (line {ex.Line}); restore it from git or run `secrets-pipeline lock`.", ex.Line);
        }
        catch (JsonTreeException ex)
        {
            throw Invalid(path, $"it is not valid JSON (line {ex.Line}: {ex.Message}); restore it from git or run `secrets-pipeline lock`.", ex.Line);
        }

        var lockFile = FromJson(path, root);
        if (!CanonicalJson.WritesExactly(lockFile, static (writer, l) => WriteLock(writer, l, includeSignatures: true), bytes))
        {
            throw new SecretsPipelineException(
                Codes.LockNotCanonical,
                "the lock's bytes are not the ones the tool writes (edited by hand or by another tool); regenerate it with `secrets-pipeline lock` and review the diff.",
                new SourceLocation(path));
        }

        return lockFile;
    }

    private static readonly string[] _topFields = ["environments", "lock_version", "manifest_digest", "signatures"];
    private static readonly string[] _environmentFields = ["secrets", "store"];
    private static readonly string[] _signatureFields = ["algorithm", "key_id", "value"];
    private static readonly string[] _pinFields = ["created", "dynamic", "fields", "fingerprint", "max_ttl", "ref", "ttl", "version"];

    private static LockFile FromJson(string path, JsonTreeNode root)
    {
        var top = Object(path, root, "the lock", _topFields);
        var formatVersion = Get(top, "lock_version") is { } v && v.TryGetInt32(out var n) ? n : 0;
        if (formatVersion != LockFile.FormatVersion)
        {
            throw Invalid(path, $"`lock_version` must be {LockFile.FormatVersion}; this lock was written by another version of the tool.");
        }

        var digest = String(path, Get(top, "manifest_digest"), "manifest_digest");
        var environments = new Dictionary<string, EnvironmentLock>(StringComparer.Ordinal);
        foreach (var entry in Map(path, Get(top, "environments"), "environments"))
        {
            var name = entry.Key;
            var environment = Object(path, entry.Value, $"environment '{name}'", _environmentFields);
            var store = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var setting in Map(path, Get(environment, "store"), $"environment '{name}' store"))
            {
                var key = setting.Key;
                AddOnce(path, store, key, String(path, setting.Value, $"store.{key}"));
            }

            var secrets = new Dictionary<string, SecretPin>(StringComparer.Ordinal);
            foreach (var secret in Map(path, Get(environment, "secrets"), $"environment '{name}' secrets"))
            {
                var secretName = secret.Key;
                AddOnce(path, secrets, secretName, PinFromJson(path, $"{name}.{secretName}", secret.Value));
            }

            AddOnce(path, environments, name, new EnvironmentLock(store, secrets));
        }

        if (Get(top, "signatures") is not { Kind: JsonKind.Array } array)
        {
            throw Invalid(path, "`signatures` must be a list.");
        }

        var signatures = new List<LockSignature>();
        foreach (var item in array.Items)
        {
            var signature = Object(path, item, "a signature", _signatureFields);
            signatures.Add(new LockSignature(
                String(path, Get(signature, "algorithm"), "algorithm"),
                String(path, Get(signature, "key_id"), "key_id"),
                String(path, Get(signature, "value"), "value")));
        }

        return new LockFile(digest, environments, signatures);
    }

    private static SecretPin PinFromJson(string path, string where, JsonTreeNode node)
    {
        var pin = Object(path, node, where, _pinFields);
        if (Get(pin, "dynamic") is { } dynamic)
        {
            var fields = Get(pin, "fields") is { Kind: JsonKind.Array } list ? list : throw Invalid(path, $"{where}: `fields` must be a list.");
            var names = new List<string>();
            foreach (var field in fields.Items)
            {
                names.Add(String(path, field, $"{where}.fields"));
            }

            return new SecretPin(
                null, null, null, null,
                String(path, dynamic, $"{where}.dynamic"),
                Get(pin, "ttl") is { } ttl ? String(path, ttl, $"{where}.ttl") : null,
                Get(pin, "max_ttl") is { } maxTtl ? String(path, maxTtl, $"{where}.max_ttl") : null,
                [.. names]);
        }

        DateTimeOffset? created = null;
        if (Get(pin, "created") is { } createdNode)
        {
            var text = String(path, createdNode, $"{where}.created");
            created = UtcTimestamp.TryParse(text, out var parsed)
                ? parsed
                : throw Invalid(path, $"{where}.created is not a UTC timestamp.");
        }

        return new SecretPin(
            String(path, Get(pin, "ref"), $"{where}.ref"),
            String(path, Get(pin, "version"), $"{where}.version"),
            created,
            Get(pin, "fingerprint") is { } fingerprint ? String(path, fingerprint, $"{where}.fingerprint") : null);
    }

    /// <summary>An object with a fixed set of fields: each at most once, none other.</summary>
    private static JsonTreeNode Object(string path, JsonTreeNode? node, string what, string[] allowed)
    {
        if (node is not { Kind: JsonKind.Object } obj)
        {
            throw Invalid(path, $"{what} must be an object.");
        }

        var seen = 0;
        var duplicate = false;
        string? unknown = null;
        for (var i = 0; i < obj.Members.Count; i++)
        {
            var name = obj.Members[i].Key;
            var index = Array.IndexOf(allowed, name);
            if (index < 0)
            {
                unknown ??= name;
            }
            else
            {
                duplicate |= (seen & (1 << index)) != 0;
                seen |= 1 << index;
            }
        }

        if (duplicate)
        {
            throw Malformed(path);
        }

        if (unknown is not null)
        {
            throw Invalid(path, $"{what} has an unknown field '{Printable(unknown)}'.");
        }

        return obj;
    }

    /// <summary>An object used as a map from names to values; the caller adds each name with <see cref="AddOnce"/>, which refuses a name seen twice.</summary>
    private static IReadOnlyList<KeyValuePair<string, JsonTreeNode>> Map(string path, JsonTreeNode? node, string what) =>
        node is { Kind: JsonKind.Object } obj ? obj.Members : throw Invalid(path, $"{what} must be an object.");

    private static void AddOnce<T>(string path, Dictionary<string, T> map, string name, T value)
    {
        if (!map.TryAdd(name, value))
        {
            throw Malformed(path);
        }
    }

    /// <summary>A field's value, or null where it is absent or JSON <c>null</c>.</summary>
    private static JsonTreeNode? Get(JsonTreeNode obj, string name) =>
        obj.Member(name) is { Kind: not JsonKind.Null } value ? value : null;

    private static string String(string path, JsonTreeNode? node, string what) =>
        node is { Kind: JsonKind.String, Text: { } text }
            ? text
            : throw Invalid(path, $"`{what}` must be a string.");

    private static SecretsPipelineException Malformed(string path) =>
        Invalid(path, "its structure is malformed (e.g. a duplicate key); restore it from git or run `secrets-pipeline lock`.");

    /// <summary>A key from the file as a message may show it: not a page long (the exception keeps it on one line).</summary>
    private static string Printable(string key) => key.Length > 80 ? key[..80] + "…" : key;

    private static SecretsPipelineException Invalid(string path, string message, int line = 0) =>
        new(Codes.LockUnreadable, "not a valid lock: " + message, new SourceLocation(path, line));
}
