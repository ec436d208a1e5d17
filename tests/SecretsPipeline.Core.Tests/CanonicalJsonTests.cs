using System.Text;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Core.Tests;

public class CanonicalJsonTests
{
    public class TheSerializeMethod
    {
        [Fact]
        public void SortsKeysOrdinallyAtEveryLevelWithTwoSpaceIndentLfAndTrailingNewline()
        {
            var node = new JsonObject
            {
                ["b"] = 1,
                ["a"] = new JsonObject { ["z"] = true, ["Z"] = "upper", ["_"] = null },
                ["A"] = new JsonArray(3, "x", new JsonObject { ["y"] = 1, ["x"] = 2 }),
            };

            var text = Encoding.UTF8.GetString(CanonicalJson.Serialize(node));

            Assert.Equal(
                "{\n  \"A\": [\n    3,\n    \"x\",\n    {\n      \"x\": 2,\n      \"y\": 1\n    }\n  ],\n  \"a\": {\n    \"Z\": \"upper\",\n    \"_\": null,\n    \"z\": true\n  },\n  \"b\": 1\n}\n",
                text);
        }

        [Fact]
        public void GivesTheSameBytesWhateverTheInsertionOrder()
        {
            var one = new JsonObject { ["x"] = 1, ["y"] = new JsonObject { ["p"] = "1", ["q"] = "2" } };
            var two = new JsonObject { ["y"] = new JsonObject { ["q"] = "2", ["p"] = "1" }, ["x"] = 1 };

            Assert.Equal(CanonicalJson.Serialize(one), CanonicalJson.Serialize(two));
        }

        [Fact]
        public void KeepsNonAsciiLiteralAndEscapesControlCharacters()
        {
            var text = Encoding.UTF8.GetString(CanonicalJson.Serialize(new JsonObject { ["v"] = "é<>&+\n\t\"\\\u0001" }));

            Assert.Equal("{\n  \"v\": \"é<>&+\\n\\t\\\"\\\\\\u0001\"\n}\n", text);
        }
    }
}
