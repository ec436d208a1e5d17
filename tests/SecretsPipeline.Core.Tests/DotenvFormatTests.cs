using System.Text;
using System.Text.RegularExpressions;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Output;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Tests.Support;

namespace SecretsPipeline.Core.Tests;

public partial class DotenvFormatTests
{
    [GeneratedRegex("^(?<name>[A-Za-z_][A-Za-z0-9_]*)=\"(?<value>(?:[^\"\\\\$\\n\\r\\t]|\\\\[\\\\\"$nrt])*)\"$")]
    private static partial Regex Line();

    /// <summary>Undoes the escapes the format documents (and docker compose / python-dotenv read).</summary>
    private static string Unescape(string escaped)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] != '\\')
            {
                builder.Append(escaped[i]);
                continue;
            }

            builder.Append(escaped[++i] switch
            {
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                var c => c,
            });
        }

        return builder.ToString();
    }

    public class TheRenderMethod
    {
        public static TheoryData<string> HostileValues => OutputSamples.HostileValues;

        [Theory]
        [MemberData(nameof(HostileValues))]
        public void WritesExactlyOneLinePerOutputThatReadsBackToTheValue(string value)
        {
            var text = new DotenvFormat().Render(OutputSamples.Around(value));

            Assert.EndsWith("\n", text, StringComparison.Ordinal);
            Assert.DoesNotContain('\r', text);
            var lines = text[..^1].Split('\n');
            Assert.Equal(3, lines.Length);
            var parsed = lines.Select(line =>
            {
                var match = Line().Match(line);
                Assert.True(match.Success, $"line is not NAME=\"escaped\": {line}");
                return (match.Groups["name"].Value, Unescape(match.Groups["value"].Value));
            }).ToArray();
            Assert.Equal([("BEFORE", "before"), ("NAME", value), ("AFTER", "after")], parsed);
        }

        [Fact]
        public void WritesTheDocumentedEscapes()
        {
            var text = new DotenvFormat().Render([new ResolvedOutput("A", "A", OutputSamples.Value("a\\b\"c$d\ne\rf\tg'h`i"))]);

            Assert.Equal("A=\"a\\\\b\\\"c\\$d\\ne\\rf\\tg'h`i\"\n", text);
        }

        [Fact]
        public void WritesNothingForNoOutputs()
        {
            Assert.Equal(string.Empty, new DotenvFormat().Render([]));
        }

        [Fact]
        public void RefusesNulWithSpl9006WithoutTheValue()
        {
            var ex = Assert.Throws<SecretsPipelineException>(() => new DotenvFormat().Render(OutputSamples.Around("secret-canary\0rest")));

            Assert.Same(Codes.OutputUnrepresentable, ex.Code);
            Assert.Contains("'NAME'", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-canary", ex.ToString(), StringComparison.Ordinal);
        }
    }
}
