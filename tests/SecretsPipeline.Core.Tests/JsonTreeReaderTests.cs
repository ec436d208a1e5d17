using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Tests.Support;

namespace SecretsPipeline.Core.Tests;

public class JsonTreeReaderTests
{
    [Fact]
    public void ReadsEveryKindOfValueAndKeepsMembersInFileOrderWithDuplicates()
    {
        var root = JsonTreeReader.Parse("""
            { "b": [1, -2.5e+3, 0, true, false, null, {}, []],
              "a": "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00é",
              "b": { "z": 0.25E-1 } }
            """u8);

        Assert.Equal(JsonKind.Object, root.Kind);
        Assert.Equal(["b", "a", "b"], root.Members.Select(m => m.Key));
        var list = root.Members[0].Value.Items;
        Assert.Equal(
            [JsonKind.Number, JsonKind.Number, JsonKind.Number, JsonKind.True, JsonKind.False, JsonKind.Null, JsonKind.Object, JsonKind.Array],
            list.Select(i => i.Kind));
        Assert.Equal(["1", "-2.5e+3", "0"], list.Take(3).Select(i => i.Text));
        Assert.Equal("x\"\\/\b\f\n\r\t\u00e9\U0001F600é", root.Member("a")!.Text);
        Assert.Same(root.Members[0].Value, root.Member("b"));
        Assert.Equal("0.25E-1", root.Members[2].Value.Member("z")!.Text);
    }

    [Theory]
    [InlineData("1", true, 1)]
    [InlineData("-7", true, -7)]
    [InlineData("2147483648", false, 0)]
    [InlineData("1.0", false, 0)]
    [InlineData("1e0", false, 0)]
    [InlineData("\"1\"", false, 0)]
    public void TakesAnInt32OnlyFromAWholeNumberInRange(string json, bool ok, int expected)
    {
        var node = JsonTreeReader.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(ok, node.TryGetInt32(out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("{\"a\": 1,}", 1)]
    [InlineData("[1,]", 1)]
    [InlineData("{\n\"a\": 1\n// note\n}", 3)]
    [InlineData("{\"a\" 1}", 1)]
    [InlineData("{a: 1}", 1)]
    [InlineData("01", 1)]
    [InlineData("1.", 1)]
    [InlineData("-", 1)]
    [InlineData("1e", 1)]
    [InlineData("+1", 1)]
    [InlineData("tru", 1)]
    [InlineData("nul", 1)]
    [InlineData("\"\\x\"", 1)]
    [InlineData("\"\\u12\"", 1)]
    [InlineData("\"tab\there\"", 1)]
    [InlineData("\"open", 1)]
    [InlineData("{\n\"a\": [\n1", 3)]
    [InlineData("{} {}", 1)]
    [InlineData("[1]\n\nx", 3)]
    public void RefusesWhatIsNotStrictJsonNamingTheLine(string json, int line)
    {
        var ex = Assert.Throws<JsonTreeException>(() => JsonTreeReader.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(line, ex.Line);
        Assert.False(ex.InvalidUtf8);
    }

    [Theory]
    [InlineData(new byte[] { (byte)'"', 0xC3, (byte)'"' })]
    [InlineData(new byte[] { (byte)'"', 0xED, 0xA0, 0x80, (byte)'"' })]
    [InlineData(new byte[] { (byte)'"', 0xC0, 0xAF, (byte)'"' })]
    [InlineData(new byte[] { (byte)'"', (byte)'\\', (byte)'n', 0xFF, (byte)'"' })]
    [InlineData(new byte[] { 0xFF, 0xFE })]
    public void SaysWhenTheBytesAreNotUtf8(byte[] bytes)
    {
        var ex = Assert.Throws<JsonTreeException>(() => JsonTreeReader.Parse(bytes));

        Assert.True(ex.InvalidUtf8, ex.Message);
    }

    [Fact]
    public void RefusesNestingDeeperThanItsLimit()
    {
        var ok = new string('[', JsonTreeReader.MaxDepth) + new string(']', JsonTreeReader.MaxDepth);
        var deep = new string('[', JsonTreeReader.MaxDepth + 1) + new string(']', JsonTreeReader.MaxDepth + 1);

        Assert.Equal(JsonKind.Array, JsonTreeReader.Parse(Encoding.UTF8.GetBytes(ok)).Kind);
        Assert.Contains("deeper", Assert.Throws<JsonTreeException>(() => JsonTreeReader.Parse(Encoding.UTF8.GetBytes(deep))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AgreesWithSystemTextJsonOnEveryDamagedCopyOfALock()
    {
        // Every single-byte deletion of a real lock, and every position overwritten with bytes that matter to JSON: the
        // reader accepts exactly what System.Text.Json accepts, and reads the same tree.
        var bytes = LockSerializer.Serialize(LockSamples.Small([new("ecdsa-p256-sha256", "local:00", "AAAA")]));
        var checkedCopies = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            AssertAgrees([.. bytes[..i], .. bytes[(i + 1)..]], $"byte {i} deleted");
            foreach (var b in "{}[]\",:\\ 0-.eatn\u007f"u8.ToArray())
            {
                var copy = (byte[])bytes.Clone();
                copy[i] = b;
                AssertAgrees(copy, $"byte {i} set to 0x{b:X2}");
                checkedCopies++;
            }
        }

        Assert.True(checkedCopies > 1000, $"only {checkedCopies} copies");
    }

    [Theory]
    [InlineData("[\"\\u00e9\", \"\\uD83D\\uDE00\", \"\\/\", 1E+2, -0, 0.5, true, false, null, {\"\": {}}]")]
    [InlineData("  \r\n\t{ \"a\" : [ ] , \"b\" : { } }  \n")]
    public void AgreesWithSystemTextJsonOnValidDocuments(string json) => AssertAgrees(Encoding.UTF8.GetBytes(json), json);

    private static void AssertAgrees(byte[] bytes, string what)
    {
        var reference = Reference(bytes);
        JsonNode? ours;
        try
        {
            ours = ToNode(JsonTreeReader.Parse(bytes));
        }
        catch (JsonTreeException ex)
        {
            Assert.True(reference is null, $"{what}: refused ({ex.Message}, line {ex.Line}) but System.Text.Json reads it");
            return;
        }
        catch (ArgumentException)
        {
            // A duplicate key, which JsonObject refuses: the reader keeps it for its caller to refuse.
            Assert.True(reference is null, $"{what}: has a duplicate key but System.Text.Json reads it");
            return;
        }

        Assert.True(reference is not null, $"{what}: read but System.Text.Json refuses it");
        Assert.Equal(reference, ours!.ToJsonString());
    }

    // What System.Text.Json makes of the bytes (every string read out), as JSON text; null where it refuses them.
    private static string? Reference(byte[] bytes)
    {
        try
        {
            return JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow })?.ToJsonString() ?? "null";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static JsonNode? ToNode(JsonTreeNode node) => node.Kind switch
    {
        JsonKind.Object => ToObject(node),
        JsonKind.Array => new JsonArray([.. node.Items.Select(ToNode)]),
        JsonKind.String => JsonValue.Create(node.Text),
        JsonKind.Number => JsonNode.Parse(node.Text!),
        JsonKind.True => JsonValue.Create(true),
        JsonKind.False => JsonValue.Create(false),
        _ => null,
    };

    private static JsonObject ToObject(JsonTreeNode node)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in node.Members)
        {
            obj.Add(key, ToNode(value));
        }

        return obj;
    }
}
