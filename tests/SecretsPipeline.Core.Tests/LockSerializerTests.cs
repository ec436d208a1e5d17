using System.Text;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Tests.Support;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Core.Tests;

public class LockSerializerTests
{
    private const string LockPath = "secrets.lock.json";

    private const string SmallText = """
        {
          "environments": {
            "development": {
              "secrets": {
                "A": {
                  "created": "2025-01-02T03:04:05.1234567Z",
                  "ref": "secret/a#k",
                  "version": "3"
                }
              },
              "store": {
                "path": "store.db",
                "type": "local"
              }
            }
          },
          "lock_version": 1,
          "manifest_digest": "sha256:abc",
          "signatures": [
            {
              "algorithm": "ecdsa-p256-sha256",
              "key_id": "local:00",
              "value": "AAAA"
            },
            {
              "algorithm": "ecdsa-p256-sha256",
              "key_id": "local:11",
              "value": "BBBB"
            }
          ]
        }

        """;

    private static readonly LockSignature[] _signatures =
    [
        // Out of order on purpose: the serializer sorts by key id.
        new("ecdsa-p256-sha256", "local:11", "BBBB"),
        new("ecdsa-p256-sha256", "local:00", "AAAA"),
    ];

    private static byte[] Canonical() => LockSerializer.Serialize(LockSamples.Full(_signatures));

    private static SecretsPipelineException ParseFails(byte[] bytes)
    {
        var ex = Record.Exception(() => LockSerializer.Parse(LockPath, bytes));
        Assert.NotNull(ex);
        Assert.True(ex.GetType() == typeof(SecretsPipelineException), $"expected a SecretsPipelineException, got {ex}");
        return (SecretsPipelineException)ex;
    }

    private static JsonObject Tree(LockFile lockFile, bool includeSignatures)
    {
        var environments = new JsonObject();
        foreach (var (name, environment) in lockFile.Environments)
        {
            var secrets = new JsonObject();
            foreach (var (secretName, pin) in environment.Secrets)
            {
                var json = new JsonObject();
                if (pin.IsDynamic)
                {
                    json["dynamic"] = pin.Dynamic;
                    json["fields"] = new JsonArray(pin.Fields!.Select(f => (JsonNode?)JsonValue.Create(f)).ToArray());
                    if (pin.Ttl is not null)
                    {
                        json["ttl"] = pin.Ttl;
                    }

                    if (pin.MaxTtl is not null)
                    {
                        json["max_ttl"] = pin.MaxTtl;
                    }
                }
                else
                {
                    json["ref"] = pin.Ref;
                    json["version"] = pin.Version;
                    if (pin.Created is { } created)
                    {
                        json["created"] = UtcTimestamp.ToText(created);
                    }

                    if (pin.Fingerprint is not null)
                    {
                        json["fingerprint"] = pin.Fingerprint;
                    }
                }

                secrets[secretName] = json;
            }

            var store = new JsonObject();
            foreach (var (key, value) in environment.Store)
            {
                store[key] = value;
            }

            environments[name] = new JsonObject { ["secrets"] = secrets, ["store"] = store };
        }

        var tree = new JsonObject { ["environments"] = environments, ["lock_version"] = LockFile.FormatVersion, ["manifest_digest"] = lockFile.ManifestDigest };
        if (includeSignatures)
        {
            tree["signatures"] = new JsonArray(lockFile.Signatures.OrderBy(s => s.KeyId, StringComparer.Ordinal)
                .Select(s => (JsonNode?)new JsonObject { ["algorithm"] = s.Algorithm, ["key_id"] = s.KeyId, ["value"] = s.Value }).ToArray());
        }

        return tree;
    }

    private static byte[] Edit(Func<string, string> edit) => Encoding.UTF8.GetBytes(edit(Encoding.UTF8.GetString(Canonical())));

    public class TheSerializeMethod
    {
        [Fact]
        public void WritesTheCanonicalForm()
        {
            Assert.Equal(SmallText, Encoding.UTF8.GetString(LockSerializer.Serialize(LockSamples.Small(_signatures))));
        }

        [Fact]
        public void UsesLfTwoSpaceIndentSortedKeysAndOneTrailingNewline()
        {
            var text = Encoding.UTF8.GetString(Canonical());

            Assert.DoesNotContain('\r', text);
            Assert.DoesNotContain('\t', text);
            Assert.EndsWith("}\n", text, StringComparison.Ordinal);
            Assert.False(text.EndsWith("\n\n", StringComparison.Ordinal));
            var depth = 0;
            var keysAtDepth = new Stack<string?>();
            keysAtDepth.Push(null);
            foreach (var line in text.TrimEnd('\n').Split('\n'))
            {
                var trimmed = line.TrimStart(' ');
                if (trimmed.StartsWith('}') || trimmed.StartsWith(']'))
                {
                    depth--;
                    keysAtDepth.Pop();
                }

                Assert.True(line.Length - trimmed.Length == 2 * depth, $"line '{line}' should be indented by {2 * depth} spaces");
                Assert.False(line.EndsWith(' '), $"line '{line}' has trailing whitespace");
                if (trimmed.StartsWith('"') && trimmed.Contains("\": ", StringComparison.Ordinal))
                {
                    var key = trimmed[1..trimmed.IndexOf("\": ", StringComparison.Ordinal)];
                    var previous = keysAtDepth.Pop();
                    Assert.True(previous is null || string.CompareOrdinal(previous, key) < 0, $"key '{key}' comes after '{previous}'");
                    keysAtDepth.Push(key);
                }

                if (trimmed.EndsWith('{') || trimmed.EndsWith('['))
                {
                    depth++;
                    keysAtDepth.Push(null);
                }
            }

            Assert.Equal(0, depth);
        }

        [Fact]
        public void WritesTheSameBytesAsCanonicalJsonOfTheLocksTree()
        {
            // The serializer writes straight from the records; CanonicalJson of the equivalent tree is the reference.
            var tricky = new LockFile(
                "sha256:d\u00e9j\u00e0 \"vu\" <&>",
                new Dictionary<string, EnvironmentLock>
                {
                    ["\u00e9t\u00e9"] = new(
                        new Dictionary<string, string> { ["z"] = "line\nbreak", ["Z"] = "tab\there", ["a"] = "\u2028 \ud83d\ude00" },
                        new Dictionary<string, SecretPin> { ["b"] = SecretPin.Static("m/p#k", "1", LockSamples.Created, null), ["B"] = new("m/q#k", "2", null, "f") }),
                },
                _signatures);
            foreach (var lockFile in new[] { LockSamples.Full(_signatures), LockSamples.Full(), LockSamples.Small(_signatures), tricky })
            {
                Assert.Equal(CanonicalJson.Serialize(Tree(lockFile, includeSignatures: true)), LockSerializer.Serialize(lockFile));
                Assert.Equal(CanonicalJson.Serialize(Tree(lockFile, includeSignatures: false)), LockSerializer.SignedPayload(lockFile));
            }
        }

        [Fact]
        public void IsDeterministic()
        {
            Assert.Equal(Canonical(), LockSerializer.Serialize(LockSamples.Full(_signatures.Reverse().ToArray())));
        }
    }

    public class TheSignedPayloadMethod
    {
        [Fact]
        public void IsTheCanonicalLockWithoutSignatures()
        {
            var payload = Encoding.UTF8.GetString(LockSerializer.SignedPayload(LockSamples.Small(_signatures)));

            var signaturesStart = SmallText.IndexOf(",\n  \"signatures\"", StringComparison.Ordinal);
            Assert.Equal(SmallText[..signaturesStart] + "\n}\n", payload);
        }

        [Fact]
        public void DoesNotDependOnTheSignatures()
        {
            Assert.Equal(LockSerializer.SignedPayload(LockSamples.Full()), LockSerializer.SignedPayload(LockSamples.Full(_signatures)));
        }
    }

    public class TheParseMethod
    {
        [Fact]
        public void RoundTripsByteForByte()
        {
            var bytes = Canonical();

            var parsed = LockSerializer.Parse(LockPath, bytes);

            Assert.Equal(bytes, LockSerializer.Serialize(parsed));
            Assert.Equal("sha256:" + new string('a', 64), parsed.ManifestDigest);
            Assert.Equal(["local:00", "local:11"], parsed.Signatures.Select(s => s.KeyId));
            var production = parsed.Environments["production"];
            Assert.Equal("https://vault.example:8200", production.Store["address"]);
            Assert.Equal(SecretPin.Static("secret/production/app/db#password", "7", LockSamples.Created, null), production.Secrets["DB_ROOT_PW"]);
            Assert.Equal(LockSamples.Created.AddTicks(1234567), production.Secrets["STRIPE_KEY"].Created);
            Assert.Equal("hmac-sha256:3q2+7w==", production.Secrets["STRIPE_KEY"].Fingerprint);
            var db = production.Secrets["DB"];
            Assert.True(db.IsDynamic);
            Assert.Equal(("database/creds/app", "3600s", "86400s"), (db.Dynamic, db.Ttl, db.MaxTtl));
            Assert.Equal(["username", "password"], db.Fields);
            Assert.Null(parsed.Environments["development"].Secrets["STRIPE_KEY"].Created);
        }

        [Fact]
        public void RoundTripsAnUnsignedLock()
        {
            var bytes = LockSerializer.Serialize(LockSamples.Full());

            Assert.Equal(bytes, LockSerializer.Serialize(LockSerializer.Parse(LockPath, bytes)));
        }

        public static TheoryData<string, Func<string, string>> NonCanonicalEdits => new()
        {
            { "reindented with 4 spaces", t => t.Replace("\n  ", "\n    ", StringComparison.Ordinal) },
            { "indented with tabs", t => t.Replace("\n  ", "\n\t", StringComparison.Ordinal) },
            { "CRLF line endings", t => t.Replace("\n", "\r\n", StringComparison.Ordinal) },
            { "CRLF on one line only", t => t.Replace("\"lock_version\": 1,\n", "\"lock_version\": 1,\r\n", StringComparison.Ordinal) },
            { "no trailing newline", t => t.TrimEnd('\n') },
            { "two trailing newlines", t => t + "\n" },
            { "trailing space", t => t.Replace("\"lock_version\": 1,", "\"lock_version\": 1, ", StringComparison.Ordinal) },
            { "compact", t => t.Replace("\n", string.Empty, StringComparison.Ordinal).Replace("  ", string.Empty, StringComparison.Ordinal) },
            { "keys reordered", t => t.Replace("  \"lock_version\": 1,\n  \"manifest_digest\": \"sha256:" + new string('a', 64) + "\",\n", "  \"manifest_digest\": \"sha256:" + new string('a', 64) + "\",\n  \"lock_version\": 1,\n", StringComparison.Ordinal) },
            { "a character escaped", t => t.Replace("\"database/creds/app\"", "\"d\\u0061tabase/creds/app\"", StringComparison.Ordinal) },
            { "a slash escaped", t => t.Replace("\"database/creds/app\"", "\"database\\/creds/app\"", StringComparison.Ordinal) },
            { "space before a colon", t => t.Replace("\"lock_version\": 1", "\"lock_version\" : 1", StringComparison.Ordinal) },
            { "signatures out of order", t => SwapSignatures(t) },
            { "a pin's dynamic and ref both present", t => t.Replace("\"dynamic\": \"database/creds/app\",", "\"dynamic\": \"database/creds/app\",\n          \"ref\": \"secret/x#y\",", StringComparison.Ordinal) },
        };

        [Theory]
        [MemberData(nameof(NonCanonicalEdits))]
        public void RejectsValidButNonCanonicalJsonWithSpl2002(string edit, Func<string, string> apply)
        {
            var bytes = Edit(apply);
            Assert.True(!bytes.AsSpan().SequenceEqual(Canonical()), $"edit '{edit}' changed nothing");

            var ex = ParseFails(bytes);

            Assert.True(ex.Code == Codes.LockNotCanonical, $"{edit}: expected SPL2002, got {ex.ToDiagnostic()}");
            Assert.StartsWith($"{LockPath}: error SPL2002: ", ex.ToDiagnostic(), StringComparison.Ordinal);
        }

        public static TheoryData<string, string> Unreadable => new()
        {
            { "empty", string.Empty },
            { "truncated", "{\n  \"environments\": {" },
            { "not JSON", "environments = 1" },
            { "a comment", "// lock\n{}" },
            { "a trailing comma", "{\"environments\": {},}" },
            { "null", "null" },
            { "a list", "[]" },
            { "a string", "\"lock\"" },
            { "an empty object", "{}" },
            { "an unknown top-level field", "{\"environments\": {}, \"extra\": 1, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "a duplicate top-level key", "{\"environments\": {}, \"environments\": {}, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "a duplicate environment", "{\"environments\": {\"d\": {\"secrets\": {}, \"store\": {}}, \"d\": {\"secrets\": {}, \"store\": {}}}, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "a duplicate store key", "{\"environments\": {\"d\": {\"secrets\": {}, \"store\": {\"type\": \"a\", \"type\": \"b\"}}}, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "a duplicate pin key", "{\"environments\": {\"d\": {\"secrets\": {\"A\": {\"ref\": \"a/b#c\", \"version\": \"1\", \"version\": \"2\"}}, \"store\": {}}}, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "an unknown pin field", "{\"environments\": {\"d\": {\"secrets\": {\"A\": {\"ref\": \"a/b#c\", \"value\": \"hunter2\", \"version\": \"1\"}}, \"store\": {}}}, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "an unknown environment field", "{\"environments\": {\"d\": {\"secrets\": {}, \"store\": {}, \"token\": \"s.x\"}}, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "an unknown signature field", "{\"environments\": {}, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": [{\"algorithm\": \"a\", \"key_id\": \"k\", \"note\": \"n\", \"value\": \"v\"}]}" },
            { "a number where a string is expected", "{\"environments\": {\"d\": {\"secrets\": {\"A\": {\"ref\": \"a/b#c\", \"version\": 1}}, \"store\": {}}}, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "a bad timestamp", "{\"environments\": {\"d\": {\"secrets\": {\"A\": {\"created\": \"yesterday\", \"ref\": \"a/b#c\", \"version\": \"1\"}}, \"store\": {}}}, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "dynamic fields not a list", "{\"environments\": {\"d\": {\"secrets\": {\"A\": {\"dynamic\": \"a/b\", \"fields\": \"u\"}}, \"store\": {}}}, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "an unsupported lock_version", "{\"environments\": {}, \"lock_version\": 2, \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "lock_version as a string", "{\"environments\": {}, \"lock_version\": \"1\", \"manifest_digest\": \"x\", \"signatures\": []}" },
            { "signatures not a list", "{\"environments\": {}, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": {}}" },
            { "missing manifest_digest", "{\"environments\": {}, \"lock_version\": 1, \"signatures\": []}" },
            { "deeply nested", new string('[', 200) + new string(']', 200) },
        };

        [Theory]
        [MemberData(nameof(Unreadable))]
        public void RejectsUnreadableLocksWithSpl2001(string what, string text)
        {
            var ex = ParseFails(Encoding.UTF8.GetBytes(text));

            Assert.True(ex.Code == Codes.LockUnreadable, $"{what}: expected SPL2001, got {ex.ToDiagnostic()}");
            Assert.StartsWith($"{LockPath}", ex.ToDiagnostic(), StringComparison.Ordinal);
            Assert.Contains(": error SPL2001: not a valid lock: ", ex.ToDiagnostic(), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("manifest\ndigest")]
        [InlineData("lock_version\r\nerror SPL0000: injected")]
        [InlineData("sig\u2028natures")]
        public void NamesAnUnknownFieldOnOneLine(string field)
        {
            // Found by the reliability suite's lock fuzzing: a mutated key with a line break split the diagnostic.
            var text = "{\"environments\": {}, " + System.Text.Json.JsonSerializer.Serialize(field) + ": 1, \"lock_version\": 1, \"manifest_digest\": \"x\", \"signatures\": []}";

            var ex = ParseFails(Encoding.UTF8.GetBytes(text));

            Assert.Equal(Codes.LockUnreadable, ex.Code);
            Assert.DoesNotMatch("[\r\n\u2028\u2029\u0085]", ex.ToDiagnostic());
            Assert.Contains("unknown field", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void RejectsAByteOrderMark()
        {
            var ex = ParseFails([0xEF, 0xBB, 0xBF, .. Canonical()]);

            Assert.True(ex.Code == Codes.LockUnreadable || ex.Code == Codes.LockNotCanonical, ex.ToDiagnostic());
        }

        [Theory]
        [InlineData(new byte[] { 0xFF, 0xFE })]
        [InlineData(new byte[] { (byte)'{', (byte)'"', 0xC3, (byte)'"', (byte)':', (byte)'1', (byte)'}' })]
        [InlineData(new byte[] { 0 })]
        public void RejectsInvalidUtf8WithSpl2001(byte[] bytes)
        {
            Assert.Same(Codes.LockUnreadable, ParseFails(bytes).Code);
        }

        [Fact]
        public void RejectsEveryTruncationWithAnSpl200xError()
        {
            var bytes = Canonical();
            for (var length = 0; length < bytes.Length; length++)
            {
                var ex = ParseFails(bytes[..length]);
                Assert.True(ex.Code == Codes.LockUnreadable || ex.Code == Codes.LockNotCanonical, $"length {length}: {ex.ToDiagnostic()}");
            }
        }

        private static string SwapSignatures(string text)
        {
            var first = "      \"key_id\": \"local:00\",\n      \"value\": \"AAAA\"";
            var second = "      \"key_id\": \"local:11\",\n      \"value\": \"BBBB\"";
            Assert.Contains(first, text, StringComparison.Ordinal);
            return text.Replace(first, "@@", StringComparison.Ordinal).Replace(second, first, StringComparison.Ordinal).Replace("@@", second, StringComparison.Ordinal);
        }
    }

    public class TheReadMethod
    {
        [Fact]
        public void RejectsAMissingFileWithSpl2007()
        {
            using var temp = new TempDirectory("spl-tests-");
            var path = temp.Combine("secrets.lock.json");

            var ex = Assert.Throws<SecretsPipelineException>(() => LockSerializer.Read(path));

            Assert.Same(Codes.LockNotFound, ex.Code);
            Assert.Equal(path, ex.Location?.Path);
        }

        [Fact]
        public void ReadsWhatSerializeWrote()
        {
            using var temp = new TempDirectory("spl-tests-");
            var path = temp.Combine("secrets.lock.json");
            File.WriteAllBytes(path, Canonical());

            Assert.Equal(Canonical(), LockSerializer.Serialize(LockSerializer.Read(path)));
        }
    }
}
