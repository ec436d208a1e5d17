using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>The framework's weak typing (spec §1.1): <c>5</c> or <c>"5"</c>, <c>true</c> or <c>"true"</c>, <c>3600</c> or <c>"1h"</c>, <c>[1,2]</c>, <c>["1","2"]</c> or <c>"1,2"</c>.</summary>
internal static class Lenient
{
    public static bool TryInt(JsonNode? node, out long value)
    {
        value = 0;
        switch (node?.GetValueKind())
        {
            case null or JsonValueKind.Null:
                return true;
            case JsonValueKind.Number:
                if (node.AsValue().TryGetValue(out value))
                {
                    return true;
                }

                var asDouble = node.GetValue<double>();
                value = (long)Math.Truncate(asDouble);
                return !double.IsInfinity(asDouble);
            case JsonValueKind.String:
                var text = node.GetValue<string>().Trim();
                return text.Length == 0 || long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
            case JsonValueKind.True:
                value = 1;
                return true;
            case JsonValueKind.False:
                return true;
            default:
                return false;
        }
    }

    public static bool TryBool(JsonNode? node, out bool value)
    {
        value = false;
        switch (node?.GetValueKind())
        {
            case null or JsonValueKind.Null or JsonValueKind.False:
                return true;
            case JsonValueKind.True:
                value = true;
                return true;
            case JsonValueKind.Number:
                value = node.GetValue<double>() != 0;
                return true;
            case JsonValueKind.String:
                var text = node.GetValue<string>();
                switch (text)
                {
                    case "":
                        return true;
                    case "1" or "t" or "T" or "TRUE" or "true" or "True":
                        value = true;
                        return true;
                    case "0" or "f" or "F" or "FALSE" or "false" or "False":
                        return true;
                    default:
                        return false;
                }

            default:
                return false;
        }
    }

    /// <summary>Seconds as a number, or a duration string (<c>"1h"</c>, <c>"90"</c>, <c>"2d"</c>).</summary>
    public static bool TryDuration(JsonNode? node, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (node?.GetValueKind() == JsonValueKind.String)
        {
            // TypeDurationSecond keeps whole seconds.
            var parsed = GoFormat.TryParseDuration(node.GetValue<string>(), out value);
            value = TimeSpan.FromSeconds(Math.Truncate(value.TotalSeconds));
            return parsed;
        }

        if (node?.GetValueKind() is JsonValueKind.True or JsonValueKind.False || !TryInt(node, out var seconds))
        {
            return false;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    /// <summary><c>TypeCommaIntSlice</c>: an array of ints or strings, a comma-separated string, or a single int.</summary>
    public static bool TryIntList(JsonNode? node, out List<long> values)
    {
        values = [];
        IEnumerable<JsonNode?> items = node switch
        {
            null => [],
            JsonArray array => array,
            JsonValue value when value.GetValueKind() == JsonValueKind.String =>
                value.GetValue<string>().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(s => (JsonNode?)JsonValue.Create(s)),
            _ => [node],
        };
        foreach (var item in items)
        {
            if (item is JsonArray or JsonObject || !TryInt(item, out var number))
            {
                return false;
            }

            values.Add(number);
        }

        return true;
    }

    /// <summary>A string field; numbers and bools are converted the way mapstructure's weak decode does.</summary>
    public static string? AsString(JsonNode? node) => node?.GetValueKind() switch
    {
        null or JsonValueKind.Null => null,
        JsonValueKind.String => node.GetValue<string>(),
        JsonValueKind.True => "1",
        JsonValueKind.False => "0",
        JsonValueKind.Number => node.ToJsonString(),
        _ => node.ToJsonString(),
    };

    public static string FieldError(JsonNode? raw, string field, string reason) =>
        $"error converting input {AsString(raw) ?? "<nil>"} for field \"{field}\": {reason}";
}
