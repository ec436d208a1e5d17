using System.Text.Json;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Core.Lock;

/// <summary>
/// Reads one secret's pins out of a lock's bytes without building the whole lock: a forward pass over the JSON that
/// materialises only <c>environments.*.secrets.NAME</c>. For <c>history</c>, which looks at hundreds of old locks and
/// needs one entry of each; anything that verifies or resolves reads the whole lock through <see cref="LockSerializer"/>.
/// </summary>
public static class LockPinReader
{
    /// <returns>
    /// Per environment, the secret's pin (environments without it are absent); <see langword="null"/> when the bytes
    /// are not a lock of this format (not JSON, another <c>lock_version</c>, or a malformed environment or pin).
    /// </returns>
    public static IReadOnlyDictionary<string, SecretPin>? TryRead(ReadOnlySpan<byte> lockBytes, string secret)
    {
        try
        {
            var reader = new Utf8JsonReader(lockBytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            return Read(ref reader, secret);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Dictionary<string, SecretPin>? Read(ref Utf8JsonReader reader, string secret)
    {
        Dictionary<string, SecretPin>? pins = null;
        var formatVersion = 0;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("environments"u8))
            {
                pins = ReadEnvironments(ref reader, secret);
                if (pins is null)
                {
                    return null;
                }
            }
            else if (reader.ValueTextEquals("lock_version"u8))
            {
                Next(ref reader);
                formatVersion = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var n) ? n : 0;
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }

        return formatVersion == LockFile.FormatVersion && pins is not null ? pins : null;
    }

    private static Dictionary<string, SecretPin>? ReadEnvironments(ref Utf8JsonReader reader, string secret)
    {
        if (Next(ref reader) != JsonTokenType.StartObject)
        {
            return null;
        }

        var pins = new Dictionary<string, SecretPin>(StringComparer.Ordinal);
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var environment = reader.GetString()!;
            if (Next(ref reader) != JsonTokenType.StartObject)
            {
                return null;
            }

            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("secrets"u8))
                {
                    Next(ref reader);
                    reader.Skip();
                    continue;
                }

                if (Next(ref reader) != JsonTokenType.StartObject)
                {
                    return null;
                }

                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    if (!reader.ValueTextEquals(secret))
                    {
                        Next(ref reader);
                        reader.Skip();
                        continue;
                    }

                    if (ReadPin(ref reader) is not { } pin)
                    {
                        return null;
                    }

                    pins[environment] = pin;
                }
            }
        }

        return pins;
    }

    private static SecretPin? ReadPin(ref Utf8JsonReader reader)
    {
        if (Next(ref reader) != JsonTokenType.StartObject)
        {
            return null;
        }

        string? secretRef = null, version = null, created = null, fingerprint = null, dynamic = null, ttl = null, maxTtl = null;
        List<string>? fields = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var name = reader.GetString();
            Next(ref reader);
            if (name == "fields")
            {
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return null;
                }

                fields = [];
                while (Next(ref reader) == JsonTokenType.String)
                {
                    fields.Add(reader.GetString()!);
                }

                if (reader.TokenType != JsonTokenType.EndArray)
                {
                    return null;
                }

                continue;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                return null;
            }

            var text = reader.GetString();
            switch (name)
            {
                case "ref": secretRef = text; break;
                case "version": version = text; break;
                case "created": created = text; break;
                case "fingerprint": fingerprint = text; break;
                case "dynamic": dynamic = text; break;
                case "ttl": ttl = text; break;
                case "max_ttl": maxTtl = text; break;
                default: return null;
            }
        }

        if (dynamic is not null)
        {
            return fields is null ? null : new SecretPin(null, null, null, null, dynamic, ttl, maxTtl, fields);
        }

        DateTimeOffset? when = null;
        if (created is not null)
        {
            if (!UtcTimestamp.TryParse(created, out var parsed))
            {
                return null;
            }

            when = parsed;
        }

        return secretRef is null || version is null ? null : new SecretPin(secretRef, version, when, fingerprint);
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("the lock ends early");
}
