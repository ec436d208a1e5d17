using System.Text;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Core.Tests;

/// <summary>The writer must give the bytes of <see cref="CanonicalJson.Serialize"/> (System.Text.Json) for the same tree.</summary>
public class CanonicalJsonWriterTests
{
    [Fact]
    public void WritesNestingEmptyContainersArraysNullsAndNumbersAsTheReference()
    {
        var bytes = CanonicalJson.Write(0, static (writer, _) =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("a");
            writer.WriteStringValue("x");
            writer.WriteStringValue("y");
            writer.WriteEndArray();
            writer.WriteStartObject("b");
            writer.WriteStartObject("c");
            writer.WriteEndObject();
            writer.WriteStartArray("d");
            writer.WriteEndArray();
            writer.WriteNull("e");
            writer.WriteEndObject();
            writer.WriteNumber("n", -42);
            writer.WriteStringOrNull("o", null);
            writer.WritePropertyName("p");
            writer.WriteStringValue("q");
            writer.WriteNumber("v", 1);
            writer.WriteEndObject();
        });

        var tree = new JsonObject
        {
            ["a"] = new JsonArray("x", "y"),
            ["b"] = new JsonObject { ["c"] = new JsonObject(), ["d"] = new JsonArray(), ["e"] = null },
            ["n"] = -42,
            ["o"] = null,
            ["p"] = "q",
            ["v"] = 1,
        };
        Assert.Equal(Encoding.UTF8.GetString(CanonicalJson.Serialize(tree)), Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public void EscapesEveryUtf16CodeUnitAsTheReferenceInKeysAndValues()
    {
        // Each code unit alone between ASCII letters, so lone surrogates are covered too; a mismatch names the code unit.
        for (var c = 0; c <= char.MaxValue; c++)
        {
            var text = $"a{(char)c}b";
            AssertSameAsReference(text, $"U+{c:X4}");
        }
    }

    [Theory]
    [InlineData("\U0001F600", "a surrogate pair")]
    [InlineData("d\u00e9j\u00e0 \"vu\" <&> 'x' `y` +/=", "mixed ASCII and Latin-1")]
    [InlineData("line\nbreak\ttab\r\u0000\u007f", "control characters")]
    [InlineData("\u2028\u2029\ufeff\u00a0", "line separators and invisible spaces")]
    [InlineData("", "empty")]
    public void EscapesMixedTextAsTheReference(string text, string what) => AssertSameAsReference(text, what);

    [Fact]
    public void GrowsPastItsSizeHint()
    {
        var names = Enumerable.Range(0, 500).Select(i => $"name-{i:D4}").ToArray();
        var bytes = CanonicalJson.Write(names, static (writer, all) =>
        {
            writer.WriteStartObject();
            foreach (var name in all)
            {
                writer.WriteString(name, new string('v', 100));
            }

            writer.WriteEndObject();
        }, sizeHint: 1);

        var tree = new JsonObject();
        foreach (var name in names)
        {
            tree[name] = new string('v', 100);
        }

        Assert.Equal(CanonicalJson.Serialize(tree), bytes);
    }

    private static void AssertSameAsReference(string text, string what)
    {
        var expected = CanonicalJson.Serialize(new JsonObject { [text] = new JsonArray(text), ["z"] = text });
        var actual = CanonicalJson.Write(text, static (writer, t) =>
        {
            // Keys in ordinal order, as the reference sorts them.
            var textFirst = string.CompareOrdinal(t, "z") < 0;
            writer.WriteStartObject();
            if (!textFirst)
            {
                writer.WriteString("z", t);
            }

            writer.WriteStartArray(t);
            writer.WriteStringValue(t);
            writer.WriteEndArray();
            if (textFirst)
            {
                writer.WriteString("z", t);
            }

            writer.WriteEndObject();
        });
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            Assert.Fail($"{what}: expected {Encoding.UTF8.GetString(expected)} but wrote {Encoding.UTF8.GetString(actual)}");
        }
    }
}
