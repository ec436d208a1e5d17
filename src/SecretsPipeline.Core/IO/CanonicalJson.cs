using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Core.IO;

/// <summary>
/// The one JSON form we write: keys sorted by ordinal, two-space indent, LF, a trailing newline, and a fixed escaper.
/// The same tree always gives the same bytes, which is what signatures and reviewable diffs rely on.
/// </summary>
public static class CanonicalJson
{
    // Made when needed, not held in a static field: a field of this System.Text.Json type would load that assembly with
    // the class, and the lock and manifest paths (Write, WritesExactly) do not otherwise use it.
    private static JsonWriterOptions Options => new()
    {
        Indented = true,
        IndentSize = 2,
        IndentCharacter = ' ',
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Writes a document straight from the caller's data with a <see cref="CanonicalJsonWriter"/>, for hot paths that
    /// would otherwise build a tree only to write it. <paramref name="write"/> must write properties in ordinal key order
    /// itself; the bytes are then the same as <see cref="Serialize(JsonNode)"/> of the equivalent tree.
    /// </summary>
    public static byte[] Write<TState>(TState state, Action<CanonicalJsonWriter, TState> write, int sizeHint = 4096) =>
        WriteToBuffer(state, write, sizeHint).Written.ToArray();

    /// <summary>
    /// Whether <see cref="Write"/> would give exactly <paramref name="expected"/>: for checking a file is in canonical
    /// form without a second copy of it (one buffer of the file's size, no growth, no array handed back).
    /// </summary>
    public static bool WritesExactly<TState>(TState state, Action<CanonicalJsonWriter, TState> write, ReadOnlySpan<byte> expected) =>
        WriteToBuffer(state, write, expected.Length + 1).Written.SequenceEqual(expected);

    private static CanonicalJsonWriter WriteToBuffer<TState>(TState state, Action<CanonicalJsonWriter, TState> write, int sizeHint)
    {
        var writer = new CanonicalJsonWriter(sizeHint);
        write(writer, state);
        writer.WriteEnd();
        return writer;
    }

    public static byte[] Serialize(JsonNode node)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            Write(writer, node);
        }

        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
