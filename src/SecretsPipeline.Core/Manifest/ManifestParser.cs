using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Manifest;

/// <summary>
/// Parses and validates <c>secrets.yaml</c> (design §3). The first mistake found is thrown as a
/// <see cref="SecretsPipelineException"/> with file, line, column and what to write instead.
/// </summary>
public static class ManifestParser
{
    public const string DefaultStoreType = "local";

    private static readonly string[] _topKeys = ["version", "stores", "environments", "secrets"];
    private static readonly string[] _environmentKeys = ["store"];
    private static readonly string[] _secretKeys = ["ref", "mount", "dynamic", "ttl", "max_ttl", "fields", "description"];
    private static readonly string[] _defaultFields = ["username", "password"];

    /// <summary>The settings each store type accepts besides <c>type</c>.</summary>
    public static IReadOnlyDictionary<string, string[]> StoreTypes { get; } = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["local"] = ["path"],
        ["vault"] = ["address", "namespace", "auth", "role", "mount", "audience", "ca_cert", "skip_verify", "transit_key", "jwt_mount", "approle_mount", "detect_mount", "ledger_mount", "ledger_path"],
    };

    public static SecretsManifest ParseFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new SecretsPipelineException(
                Codes.ManifestNotFound,
                "file not found; run `secrets-pipeline init` to write a starter secrets.yaml, or pass --manifest.",
                new SourceLocation(path));
        }

        return Parse(path, File.ReadAllText(path));
    }

    public static SecretsManifest Parse(string path, string text)
    {
        var root = YamlTreeReader.Read(path, text);
        if (root is not YamlMapping top)
        {
            throw new SecretsPipelineException(
                Codes.ManifestWrongType,
                "secrets.yaml must be a mapping with `version: 1`, `stores`, `environments` and `secrets`.",
                root?.Location ?? new SourceLocation(path, 1, 1));
        }

        CheckKeys(top, _topKeys, "the top level");
        var version = ParseVersion(top);
        var stores = ParseStores(top);
        var environments = ParseEnvironments(top, stores);
        var secrets = ParseSecrets(top);
        CheckOutputNames(secrets);
        return new SecretsManifest(path, version, stores, environments, secrets);
    }

    private static int ParseVersion(YamlMapping top)
    {
        var node = Find(top, "version");
        if (node is null)
        {
            throw new SecretsPipelineException(Codes.ManifestVersion, "missing `version`; add `version: 1` at the top.", top.Location);
        }

        if (node is not YamlScalar { Value: "1" })
        {
            throw new SecretsPipelineException(Codes.ManifestVersion, "unsupported `version`; this tool reads `version: 1`.", node.Location);
        }

        return 1;
    }

    private static Dictionary<string, StoreDefinition> ParseStores(YamlMapping top)
    {
        var stores = new Dictionary<string, StoreDefinition>(StringComparer.Ordinal);
        var node = Find(top, "stores");
        if (node is null)
        {
            // A manifest without stores uses one embedded store, so the smallest manifest stays small.
            stores["local"] = new StoreDefinition("local", DefaultStoreType, new Dictionary<string, string>(), top.Location);
            return stores;
        }

        foreach (var (key, value) in Mapping(node, "`stores`").Entries)
        {
            CheckName(key, "store");
            var entry = Mapping(value, $"store '{key.Value}'");
            var typeNode = Find(entry, "type");
            var type = typeNode is null ? DefaultStoreType : Scalar(typeNode, "`type`").Value;
            if (!StoreTypes.TryGetValue(type, out var allowed))
            {
                throw new SecretsPipelineException(
                    Codes.ManifestUnknownStoreType,
                    $"store '{key.Value}' has unknown type '{type}'; use one of: {string.Join(", ", StoreTypes.Keys)}.",
                    typeNode!.Location);
            }

            CheckKeys(entry, ["type", .. allowed], $"a store of type '{type}'");
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (settingKey, settingValue) in entry.Entries)
            {
                if (settingKey.Value != "type")
                {
                    settings[settingKey.Value] = Scalar(settingValue, $"`{settingKey.Value}`").Value;
                }
            }

            stores[key.Value] = new StoreDefinition(key.Value, type, settings, key.Location);
        }

        if (stores.Count == 0)
        {
            throw new SecretsPipelineException(Codes.ManifestMissingKey, "`stores` is empty; declare one, e.g. `dev: { type: local }`.", node.Location);
        }

        return stores;
    }

    private static Dictionary<string, EnvironmentDefinition> ParseEnvironments(YamlMapping top, Dictionary<string, StoreDefinition> stores)
    {
        var node = Find(top, "environments")
            ?? throw new SecretsPipelineException(
                Codes.ManifestMissingKey,
                "missing `environments`; add e.g. `environments: { development: { store: dev } }`.",
                top.Location);
        var environments = new Dictionary<string, EnvironmentDefinition>(StringComparer.Ordinal);
        foreach (var (key, value) in Mapping(node, "`environments`").Entries)
        {
            CheckName(key, "environment");
            var entry = Mapping(value, $"environment '{key.Value}'");
            CheckKeys(entry, _environmentKeys, "an environment");
            var storeNode = Find(entry, "store");
            string store;
            if (storeNode is null)
            {
                if (stores.Count != 1)
                {
                    throw new SecretsPipelineException(
                        Codes.ManifestMissingKey,
                        $"environment '{key.Value}' has no `store`; with several stores declared, name one: {string.Join(", ", stores.Keys)}.",
                        entry.Location);
                }

                store = stores.Keys.Single();
            }
            else
            {
                var storeScalar = Scalar(storeNode, "`store`");
                store = storeScalar.Value;
                if (!stores.ContainsKey(store))
                {
                    throw new SecretsPipelineException(
                        Codes.ManifestMissingStore,
                        $"environment '{key.Value}' uses store '{store}', which is not declared under `stores`; declared: {string.Join(", ", stores.Keys)}.",
                        storeScalar.Location);
                }
            }

            environments[key.Value] = new EnvironmentDefinition(key.Value, store, key.Location);
        }

        if (environments.Count == 0)
        {
            throw new SecretsPipelineException(Codes.ManifestMissingKey, "`environments` is empty; declare at least one.", node.Location);
        }

        return environments;
    }

    private static List<SecretDefinition> ParseSecrets(YamlMapping top)
    {
        var secrets = new List<SecretDefinition>();
        var node = Find(top, "secrets");
        if (node is null || node is YamlScalar { Value: "" })
        {
            return secrets;
        }

        foreach (var (key, value) in Mapping(node, "`secrets`").Entries)
        {
            if (!IsVariableName(key.Value))
            {
                throw new SecretsPipelineException(
                    Codes.ManifestBadName,
                    $"secret name '{key.Value}' is not a valid variable name; use letters, digits and '_' and start with a letter or '_' (e.g. DB_PASSWORD).",
                    key.Location);
            }

            secrets.Add(ParseSecret(key, Mapping(value, $"secret '{key.Value}'")));
        }

        return secrets;
    }

    private static SecretDefinition ParseSecret(YamlScalar key, YamlMapping entry)
    {
        CheckKeys(entry, _secretKeys, "a secret");
        var refNode = Find(entry, "ref");
        var dynamicNode = Find(entry, "dynamic");
        if ((refNode is null) == (dynamicNode is null))
        {
            throw new SecretsPipelineException(
                Codes.ManifestRefOrDynamic,
                $"secret '{key.Value}' needs exactly one of `ref: \"<mount>/<path>#<key>\"` (a stored value) or `dynamic: \"<mount>/creds/<role>\"` (a leased credential).",
                entry.Location);
        }

        var mount = OptionalScalar(entry, "mount");
        string? refText = null;
        if (refNode is not null)
        {
            var refScalar = Scalar(refNode, "`ref`");
            refText = refScalar.Value;
            CheckPlaceholders(refScalar);
            if (!SecretRef.TryParse(refText.Replace("${env}", "env", StringComparison.Ordinal), mount, out _, out var problem))
            {
                throw new SecretsPipelineException(
                    Codes.ManifestBadRef,
                    $"secret '{key.Value}': ref '{refText}' is not valid: {problem}; write `<mount>/<path>#<key>`, e.g. \"secret/${{env}}/app/db#password\".",
                    refScalar.Location);
            }
        }

        string? dynamic = null;
        if (dynamicNode is not null)
        {
            var dynamicScalar = Scalar(dynamicNode, "`dynamic`");
            CheckPlaceholders(dynamicScalar);
            dynamic = dynamicScalar.Value;
            if (dynamic.Length == 0 || !dynamic.Contains('/') || dynamic.StartsWith('/') || dynamic.EndsWith('/') || dynamic.Contains('#'))
            {
                throw new SecretsPipelineException(
                    Codes.ManifestBadRef,
                    $"secret '{key.Value}': dynamic role '{dynamic}' is not valid; write the role's credentials path, e.g. \"database/creds/app\".",
                    dynamicScalar.Location);
            }
        }

        var ttl = OptionalDuration(entry, "ttl");
        var maxTtl = OptionalDuration(entry, "max_ttl");
        if ((ttl is not null || maxTtl is not null) && dynamic is null)
        {
            var where = Find(entry, "ttl") ?? Find(entry, "max_ttl")!;
            throw new SecretsPipelineException(
                Codes.ManifestBadValue,
                $"secret '{key.Value}': `ttl` and `max_ttl` apply only to `dynamic` entries; remove them or make the entry dynamic.",
                where.Location);
        }

        if (ttl is not null && maxTtl is not null && ttl > maxTtl)
        {
            throw new SecretsPipelineException(
                Codes.ManifestBadDuration,
                $"secret '{key.Value}': `ttl` is longer than `max_ttl`; make ttl at most max_ttl.",
                Find(entry, "ttl")!.Location);
        }

        return new SecretDefinition(key.Value, refText, mount, dynamic, ttl, maxTtl, ParseFields(key, entry, dynamic is not null), key.Location);
    }

    private static string[] ParseFields(YamlScalar key, YamlMapping entry, bool isDynamic)
    {
        var node = Find(entry, "fields");
        if (node is null)
        {
            return isDynamic ? _defaultFields : [];
        }

        if (!isDynamic)
        {
            throw new SecretsPipelineException(Codes.ManifestBadValue, $"secret '{key.Value}': `fields` applies only to `dynamic` entries.", node.Location);
        }

        if (node is not YamlSequence list || list.Items.Count == 0)
        {
            throw new SecretsPipelineException(Codes.ManifestWrongType, $"secret '{key.Value}': `fields` must be a non-empty list, e.g. [username, password].", node.Location);
        }

        return list.Items.Select(item =>
        {
            var field = Scalar(item, "a field");
            return IsFieldName(field.Value)
                ? field.Value
                : throw new SecretsPipelineException(Codes.ManifestBadName, $"secret '{key.Value}': field '{field.Value}' must be letters, digits and '_'.", field.Location);
        }).ToArray();
    }

    private static void CheckOutputNames(List<SecretDefinition> secrets)
    {
        var owners = new Dictionary<string, SecretDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var secret in secrets)
        {
            foreach (var name in secret.OutputNames)
            {
                if (owners.TryGetValue(name, out var other))
                {
                    throw new SecretsPipelineException(
                        Codes.ManifestOutputCollision,
                        $"secret '{secret.Name}' would output '{name}', which '{other.Name}' (line {other.Location.Line}) already outputs; rename one of them.",
                        secret.Location);
                }

                owners[name] = secret;
            }
        }
    }

    private static void CheckPlaceholders(YamlScalar scalar)
    {
        // Each `${` up to the next `}` (or the end of the text) is a placeholder, and `${env}` is the only one.
        var text = scalar.Value;
        for (var start = text.IndexOf("${", StringComparison.Ordinal); start >= 0; start = text.IndexOf("${", start, StringComparison.Ordinal))
        {
            var close = text.IndexOf('}', start + 2);
            var end = close < 0 ? text.Length : close + 1;
            var placeholder = text[start..end];
            if (placeholder != "${env}")
            {
                throw new SecretsPipelineException(
                    Codes.ManifestBadPlaceholder,
                    $"unknown placeholder '{placeholder}'; the only placeholder is ${{env}} (the environment's name).",
                    scalar.Location);
            }

            start = end;
        }
    }

    private static void CheckKeys(YamlMapping mapping, string[] allowed, string what)
    {
        foreach (var (key, _) in mapping.Entries)
        {
            if (!allowed.Contains(key.Value, StringComparer.Ordinal))
            {
                var suggestion = allowed.FirstOrDefault(a => string.Equals(a, key.Value, StringComparison.OrdinalIgnoreCase) || Near(a, key.Value));
                var hint = suggestion is null ? string.Empty : $" Did you mean '{suggestion}'?";
                throw new SecretsPipelineException(
                    Codes.ManifestUnknownKey,
                    $"unknown key '{key.Value}' in {what}; allowed: {string.Join(", ", allowed)}.{hint}",
                    key.Location);
            }
        }
    }

    private static void CheckName(YamlScalar key, string what)
    {
        if (!IsName(key.Value))
        {
            throw new SecretsPipelineException(
                Codes.ManifestBadName,
                $"{what} name '{key.Value}' must be letters, digits, '-' or '_'.",
                key.Location);
        }
    }

    private static TimeSpan? OptionalDuration(YamlMapping entry, string key)
    {
        var node = Find(entry, key);
        if (node is null)
        {
            return null;
        }

        var scalar = Scalar(node, $"`{key}`");
        return Durations.TryParse(scalar.Value, out var value)
            ? value
            : throw new SecretsPipelineException(Codes.ManifestBadDuration, $"`{key}: {scalar.Value}` is not a duration; write e.g. 3600, 90s, 30m, 1h or 1h30m.", scalar.Location);
    }

    private static string? OptionalScalar(YamlMapping entry, string key) =>
        Find(entry, key) is { } node ? Scalar(node, $"`{key}`").Value : null;

    // A loop, not FirstOrDefault with a closure: a secret's entry is searched eight times, and a 10,000-secret
    // manifest paid for 80,000 closures and enumerators.
    private static YamlNode? Find(YamlMapping mapping, string key)
    {
        var entries = mapping.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i].Key.Value == key)
            {
                return entries[i].Value;
            }
        }

        return null;
    }

    private static YamlMapping Mapping(YamlNode node, string what) =>
        node as YamlMapping
        ?? throw new SecretsPipelineException(Codes.ManifestWrongType, $"{what} must be a mapping (`key: value` lines or `{{ key: value }}`), not {node.Kind}.", node.Location);

    private static YamlScalar Scalar(YamlNode node, string what) =>
        node as YamlScalar
        ?? throw new SecretsPipelineException(Codes.ManifestWrongType, $"{what} must be a single value, not {node.Kind}.", node.Location);

    /// <summary>One edit apart: a letter added, removed, replaced, or two neighbours swapped.</summary>
    private static bool Near(string a, string b)
    {
        if (a.Length == b.Length)
        {
            var diffs = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToArray();
            return diffs.Length <= 1 || (diffs.Length == 2 && diffs[1] == diffs[0] + 1 && a[diffs[0]] == b[diffs[1]] && a[diffs[1]] == b[diffs[0]]);
        }

        var (longer, shorter) = a.Length > b.Length ? (a, b) : (b, a);
        if (longer.Length - shorter.Length != 1)
        {
            return false;
        }

        var skip = Enumerable.Range(0, shorter.Length).FirstOrDefault(i => longer[i] != shorter[i], shorter.Length);
        return longer.AsSpan(skip + 1).SequenceEqual(shorter.AsSpan(skip));
    }

    // Plain loops rather than regular expressions: these run for every name in the manifest, and a regex's first use
    // costs a fresh process more (loading and JIT-compiling the regex engine's search code) than all the matching.

    /// <summary>A secret name: a letter or '_', then letters, digits and '_' (usable as an environment variable).</summary>
    private static bool IsVariableName(string text) =>
        text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_') && AllWordCharacters(text, 1);

    /// <summary>A dynamic secret's field: letters, digits and '_'.</summary>
    private static bool IsFieldName(string text) => text.Length > 0 && AllWordCharacters(text, 0);

    /// <summary>A store or environment name: a letter or digit, then letters, digits, '_' and '-'.</summary>
    private static bool IsName(string text)
    {
        if (text.Length == 0 || !char.IsAsciiLetterOrDigit(text[0]))
        {
            return false;
        }

        for (var i = 1; i < text.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(text[i]) && text[i] != '_' && text[i] != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllWordCharacters(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (!char.IsAsciiLetterOrDigit(text[i]) && text[i] != '_')
            {
                return false;
            }
        }

        return true;
    }
}
