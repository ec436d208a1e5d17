using SecretsPipeline.Core.Ci;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Tests.Support;

namespace SecretsPipeline.Core.Tests;

public class GitHubActionsHostTests
{
    private const string EnvFile = "/runner/env";
    private const string OutputFile = "/runner/output";
    private const string SummaryFile = "/runner/summary";

    private static readonly Dictionary<string, string> _runner = new()
    {
        ["GITHUB_ENV"] = EnvFile,
        ["GITHUB_OUTPUT"] = OutputFile,
        ["GITHUB_STEP_SUMMARY"] = SummaryFile,
    };

    private static GitHubActionsHost Host(RecordingCiSink sink, Func<string>? delimiters = null, Dictionary<string, string>? environment = null) =>
        new(sink, name => (environment ?? _runner).GetValueOrDefault(name), delimiters);

    /// <summary>Reads a runner file the way the Actions runner does: <c>NAME=value</c> lines and <c>NAME&lt;&lt;DELIM</c> blocks.</summary>
    private static List<(string Name, string Value)> ParseRunnerFile(string text)
    {
        var result = new List<(string, string)>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (heredoc > 0 && (equals < 0 || heredoc < equals))
            {
                var name = line[..heredoc];
                var delimiter = line[(heredoc + 2)..];
                var value = new List<string>();
                for (i++; i < lines.Length && lines[i] != delimiter; i++)
                {
                    value.Add(lines[i]);
                }

                Assert.True(i < lines.Length, $"block for {name} has no closing delimiter");
                result.Add((name, string.Join("\n", value)));
            }
            else
            {
                Assert.True(equals > 0, $"runner file line is neither NAME=value nor NAME<<DELIM: {line}");
                result.Add((line[..equals], line[(equals + 1)..]));
            }
        }

        return result;
    }

    private static string UnescapeCommandData(string data) =>
        data.Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);

    public class ThePrepareMethod
    {
        public static TheoryData<string> HostileValues => OutputSamples.HostileValues;

        [Theory]
        [MemberData(nameof(HostileValues))]
        public void ExportsExactlyTheOutputsAndNothingElse(string value)
        {
            var sink = new RecordingCiSink();

            Host(sink).Prepare(OutputSamples.Around(value), new ExportRequest(true, ["NAME"])).Apply();

            var expected = new List<(string, string)> { ("BEFORE", "before"), ("NAME", value), ("AFTER", "after") };
            Assert.Equal(expected, ParseRunnerFile(sink.Files[EnvFile]));
            Assert.Equal([("NAME", value)], ParseRunnerFile(sink.Files[OutputFile]));
        }

        [Theory]
        [MemberData(nameof(HostileValues))]
        public void PrintsOnlyMaskCommandsAndEachUnescapesToTheValueOrOneOfItsLines(string value)
        {
            var sink = new RecordingCiSink();

            Host(sink).Prepare(OutputSamples.Around(value), ExportRequest.Default).Apply();

            var masked = sink.Lines.Select(line =>
            {
                Assert.StartsWith("::add-mask::", line, StringComparison.Ordinal);
                Assert.DoesNotContain('\n', line);
                Assert.DoesNotContain('\r', line);
                return UnescapeCommandData(line["::add-mask::".Length..]);
            }).ToArray();
            Assert.Contains("before", masked);
            Assert.Contains("after", masked);
            if (value.Trim().Length > 0)
            {
                Assert.Contains(value, masked);
            }

            var lines = value.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0);
            Assert.All(lines, line => Assert.Contains(line, masked));
        }

        [Fact]
        public void MasksBeforeItWritesAnyFile()
        {
            var order = new List<string>();
            var sink = new OrderSink(order);

            new GitHubActionsHost(sink, name => _runner.GetValueOrDefault(name)).Prepare(OutputSamples.Around("s3cr3t"), new ExportRequest(true, ["NAME"])).Apply();

            Assert.Equal(["line", "line", "line", "append", "append"], order);
        }

        [Fact]
        public void WritesNothingUntilApplied()
        {
            var sink = new RecordingCiSink();

            Host(sink).Prepare(OutputSamples.Around("s3cr3t"), ExportRequest.Default);

            Assert.Empty(sink.Lines);
            Assert.Empty(sink.Files);
        }

        [Fact]
        public void ChoosesAnotherDelimiterWhenTheValueContainsTheFirst()
        {
            var sink = new RecordingCiSink();
            var tries = new Queue<string>(["ghadelimiter_x", "ghadelimiter_y", "ghadelimiter_z", "ghadelimiter_w"]);

            Host(sink, tries.Dequeue).Prepare([new ResolvedOutput("NAME", "NAME", OutputSamples.Value("a\nghadelimiter_x\nINJECTED<<ghadelimiter_x\n1"))], ExportRequest.Default).Apply();

            Assert.StartsWith("NAME<<ghadelimiter_y\n", sink.Files[EnvFile], StringComparison.Ordinal);
            Assert.Equal([("NAME", "a\nghadelimiter_x\nINJECTED<<ghadelimiter_x\n1")], ParseRunnerFile(sink.Files[EnvFile]));
        }

        [Fact]
        public void RefusesAValueThatContainsEveryDelimiterTriedAndWritesNothing()
        {
            var sink = new RecordingCiSink();

            var error = Assert.Throws<SecretsPipelineException>(() =>
                Host(sink, () => "EOF").Prepare(OutputSamples.Around("x\nEOF\nINJECTED=1"), ExportRequest.Default).Apply());

            Assert.Equal(Codes.CiDelimiter, error.Code);
            Assert.Empty(sink.Lines);
            Assert.Empty(sink.Files);
            Assert.DoesNotContain("INJECTED", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void UsesAFreshRandomDelimiterForEveryBlock()
        {
            var sink = new RecordingCiSink();

            Host(sink).Prepare(OutputSamples.Around("v"), ExportRequest.Default).Apply();

            var delimiters = sink.Files[EnvFile].Split('\n').Where(l => l.Contains("<<", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("<<", StringComparison.Ordinal) + 2)..]).ToArray();
            Assert.Equal(3, delimiters.Distinct().Count());
            Assert.All(delimiters, d => Assert.Matches("^ghadelimiter_[0-9a-f]{32}$", d));
        }

        [Theory]
        [InlineData("BAD\nNAME")]
        [InlineData("BAD<<EOF")]
        [InlineData("1NAME")]
        [InlineData("BAD-NAME")]
        [InlineData("")]
        [InlineData("GITHUB_TOKEN")]
        [InlineData("runner_temp")]
        public void RejectsANameTheRunnerCannotTakeAndWritesNothing(string name)
        {
            var sink = new RecordingCiSink();

            var error = Assert.Throws<SecretsPipelineException>(() =>
                Host(sink).Prepare([new ResolvedOutput("OK", "OK", OutputSamples.Value("fine")), new ResolvedOutput(name, name, OutputSamples.Value("s3cr3t"))], ExportRequest.Default));

            Assert.Equal(Codes.CiBadName, error.Code);
            Assert.DoesNotContain('\n', error.Message);
            Assert.Empty(sink.Lines);
            Assert.Empty(sink.Files);
        }

        [Fact]
        public void RefusesANulValueWithoutNamingIt()
        {
            var sink = new RecordingCiSink();

            var error = Assert.Throws<SecretsPipelineException>(() => Host(sink).Prepare(OutputSamples.Around("s3cr\0t"), ExportRequest.Default));

            Assert.Equal(Codes.OutputUnrepresentable, error.Code);
            Assert.DoesNotContain("s3cr", error.Message, StringComparison.Ordinal);
            Assert.Empty(sink.Lines);
        }

        [Fact]
        public void RefusesAStepOutputThatIsNotResolved()
        {
            var error = Assert.Throws<SecretsPipelineException>(() => Host(new RecordingCiSink()).Prepare(OutputSamples.Around("v"), new ExportRequest(true, ["MISSING"])));

            Assert.Equal(Codes.CiUnknownOutput, error.Code);
            Assert.Contains("MISSING", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void NeedsTheRunnerFilesAndSaysSo()
        {
            var sink = new RecordingCiSink();

            var error = Assert.Throws<SecretsPipelineException>(() => Host(sink, environment: []).Prepare(OutputSamples.Around("v"), ExportRequest.Default));

            Assert.Equal(Codes.CiNotInHost, error.Code);
            Assert.Contains("GITHUB_ENV", error.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void SetsOnlyStepOutputsWhenEnvironmentExportIsOff()
        {
            var sink = new RecordingCiSink();

            Host(sink, environment: new() { ["GITHUB_OUTPUT"] = OutputFile }).Prepare(OutputSamples.Around("v"), new ExportRequest(false, ["AFTER"])).Apply();

            Assert.False(sink.Files.ContainsKey(EnvFile));
            Assert.Equal([("AFTER", "after")], ParseRunnerFile(sink.Files[OutputFile]));
            Assert.Equal(3, sink.Lines.Count);
        }

        [Fact]
        public void UndoesTheEnvAppendWhenTheOutputAppendFails()
        {
            var sink = new RecordingCiSink { FailingPath = OutputFile };
            sink.Files[EnvFile] = "EARLIER=1\n";

            var error = Assert.Throws<SecretsPipelineException>(() => Host(sink).Prepare(OutputSamples.Around("s3cr3t"), new ExportRequest(true, ["NAME"])).Apply());

            Assert.Equal(Codes.OutputWrite, error.Code);
            Assert.Equal("EARLIER=1\n", sink.Files[EnvFile]);
        }
    }

    public class ThePublishSummaryMethod
    {
        [Fact]
        public void AppendsToTheStepSummaryFile()
        {
            var sink = new RecordingCiSink();

            Host(sink).PublishSummary("# one", null);
            Host(sink).PublishSummary("# two\n", null);

            Assert.Equal("# one\n# two\n", sink.Files[SummaryFile]);
        }

        [Fact]
        public void DoesNothingOutsideTheRunner()
        {
            var sink = new RecordingCiSink();

            Host(sink, environment: []).PublishSummary("# one", null);

            Assert.Empty(sink.Files);
        }
    }

    private sealed class OrderSink(List<string> order) : ICiSink
    {
        public void WriteLine(string line) => order.Add("line");

        public long Length(string path) => 0;

        public void Append(string path, string text) => order.Add("append");

        public void Truncate(string path, long length) => order.Add("truncate");
    }
}
