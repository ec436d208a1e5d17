using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.Kv;

/// <summary>A KV v2 version's metadata as Vault reports it on reads, writes and in <c>metadata/</c>.</summary>
public sealed record KvVersion(long Version, DateTimeOffset Created, DateTimeOffset? DeletionTime, bool Destroyed)
{
    public bool IsDeleted(DateTimeOffset now) => DeletionTime is { } deleted && deleted <= now;

    internal static KvVersion Parse(long version, JsonNode? metadata) => new(
        version,
        ParseTime(metadata?["created_time"]) ?? DateTimeOffset.MinValue,
        ParseTime(metadata?["deletion_time"]),
        metadata?["destroyed"]?.GetValue<bool>() ?? false);

    /// <summary>RFC 3339 with up to nanoseconds; "" means unset. Precision beyond 100 ns is dropped, the same way every time.</summary>
    internal static DateTimeOffset? ParseTime(JsonNode? node)
    {
        var text = node?.GetValue<string>();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            var fraction = text[(dot + 1)..end];
            text = text[..dot] + "." + (fraction.Length > 7 ? fraction[..7] : fraction) + text[end..];
        }

        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
    }
}
