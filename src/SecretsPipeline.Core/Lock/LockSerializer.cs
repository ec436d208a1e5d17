using System.Globalization;
using System.Text.Json;
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
        // A JsonDocument, not a JsonNode tree: every command that reads the lock parses it, and the node layer doubled
        // the cost of a 1,000-pin lock. JsonDocument keeps duplicate keys, so Object and Map refuse them themselves.
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException ex)
        {
            throw Invalid(path, $"it is not valid JSON (line {(ex.LineNumber ?? 0) + 1}); restore it from git or run `secrets-pipeline lock`.", (int)(ex.LineNumber ?? 0) + 1);
        }
        catch (ArgumentException)
        {
            throw Invalid(path, "it is not valid UTF-8 JSON; restore it from git or run `secrets-pipeline lock`.");
        }

        LockFile lockFile;
        using (document)
        {
            try
            {
                lockFile = FromJson(path, document.RootElement);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                // Strings that cannot be transcoded and similar malformations surface from System.Text.Json as these.
                throw Malformed(path);
            }
        }

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

    private static LockFile FromJson(string path, JsonElement root)
    {
        var top = Object(path, root, "the lock", _topFields);
        var formatVersion = Get(top, "lock_version") is { ValueKind: JsonValueKind.Number } v && v.TryGetInt32(out var n) ? n : 0;
        if (formatVersion != LockFile.FormatVersion)
        {
            throw Invalid(path, $"`lock_version` must be {LockFile.FormatVersion}; this lock was written by another version of the tool.");
        }

        var digest = String(path, Get(top, "manifest_digest"), "manifest_digest");
        var environments = new Dictionary<string, EnvironmentLock>(StringComparer.Ordinal);
        foreach (var entry in Map(path, Get(top, "environments"), "environments"))
        {
            var name = entry.Name;
            var environment = Object(path, entry.Value, $"environment '{name}'", _environmentFields);
            var store = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var setting in Map(path, Get(environment, "store"), $"environment '{name}' store"))
            {
                var key = setting.Name;
                AddOnce(path, store, key, String(path, setting.Value, $"store.{key}"));
            }

            var secrets = new Dictionary<string, SecretPin>(StringComparer.Ordinal);
            foreach (var secret in Map(path, Get(environment, "secrets"), $"environment '{name}' secrets"))
            {
                var secretName = secret.Name;
                AddOnce(path, secrets, secretName, PinFromJson(path, $"{name}.{secretName}", secret.Value));
            }

            AddOnce(path, environments, name, new EnvironmentLock(store, secrets));
        }

        if (Get(top, "signatures") is not { ValueKind: JsonValueKind.Array } array)
        {
            throw Invalid(path, "`signatures` must be a list.");
        }

        var signatures = new List<LockSignature>();
        foreach (var item in array.EnumerateArray())
        {
            var signature = Object(path, item, "a signature", _signatureFields);
            signatures.Add(new LockSignature(
                String(path, Get(signature, "algorithm"), "algorithm"),
                String(path, Get(signature, "key_id"), "key_id"),
                String(path, Get(signature, "value"), "value")));
        }

        return new LockFile(digest, environments, signatures);
    }

    private static SecretPin PinFromJson(string path, string where, JsonElement node)
    {
        var pin = Object(path, node, where, _pinFields);
        if (Get(pin, "dynamic") is { } dynamic)
        {
            var fields = Get(pin, "fields") is { ValueKind: JsonValueKind.Array } list ? list : throw Invalid(path, $"{where}: `fields` must be a list.");
            var names = new List<string>();
            foreach (var field in fields.EnumerateArray())
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
    private static JsonElement Object(string path, JsonElement? node, string what, string[] allowed)
    {
        if (node is not { ValueKind: JsonValueKind.Object } obj)
        {
            throw Invalid(path, $"{what} must be an object.");
        }

        var seen = 0;
        var duplicate = false;
        string? unknown = null;
        foreach (var property in obj.EnumerateObject())
        {
            var index = allowed.Length - 1;
            while (index >= 0 && !property.NameEquals(allowed[index]))
            {
                index--;
            }

            if (index < 0)
            {
                unknown ??= property.Name;
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

    /// <summary>
    /// An object used as a map from names to values; the caller adds each name with <see cref="AddOnce"/>, which refuses
    /// a name seen twice. Enumerated in place rather than copied into a list of name/element pairs, whose code no
    /// ReadyToRun image holds (every command that reads the lock paid its JIT time).
    /// </summary>
    private static JsonElement.ObjectEnumerator Map(string path, JsonElement? node, string what) =>
        node is { ValueKind: JsonValueKind.Object } obj ? obj.EnumerateObject() : throw Invalid(path, $"{what} must be an object.");

    private static void AddOnce<T>(string path, Dictionary<string, T> map, string name, T value)
    {
        if (!map.TryAdd(name, value))
        {
            throw Malformed(path);
        }
    }

    /// <summary>A field's value, or null where it is absent or JSON <c>null</c>.</summary>
    private static JsonElement? Get(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string String(string path, JsonElement? node, string what) =>
        node is { ValueKind: JsonValueKind.String } value
            ? value.GetString()!
            : throw Invalid(path, $"`{what}` must be a string.");

    private static SecretsPipelineException Malformed(string path) =>
        Invalid(path, "its structure is malformed (e.g. a duplicate key); restore it from git or run `secrets-pipeline lock`.");

    /// <summary>A key from the file as a message may show it: not a page long (the exception keeps it on one line).</summary>
    private static string Printable(string key) => key.Length > 80 ? key[..80] + "…" : key;

    private static SecretsPipelineException Invalid(string path, string message, int line = 0) =>
        new(Codes.LockUnreadable, "not a valid lock: " + message, new SourceLocation(path, line));
}
