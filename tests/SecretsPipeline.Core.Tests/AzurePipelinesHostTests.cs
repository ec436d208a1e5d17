using SecretsPipeline.Core.Ci;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Resolve;
using SecretsPipeline.Core.Tests.Support;

namespace SecretsPipeline.Core.Tests;

public class AzurePipelinesHostTests
{
    private static AzurePipelinesHost Host(RecordingCiSink sink, string? temp = "/agent/temp") =>
        new(sink, name => name == "AGENT_TEMPDIRECTORY" ? temp : null);

    /// <summary>Reads a logging command the way the agent does: area.event, <c>;</c>-separated properties, then the message.</summary>
    private static (string Command, Dictionary<string, string> Properties, string Message) Parse(string line)
    {
        Assert.StartsWith("##vso[", line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        var end = line.IndexOf(']', StringComparison.Ordinal);
        var head = line["##vso[".Length..end];
        var space = head.IndexOf(' ', StringComparison.Ordinal);
        var command = space < 0 ? head : head[..space];
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        if (space >= 0)
        {
            foreach (var pair in head[(space + 1)..].Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                properties.Add(pair[..equals], Unescape(pair[(equals + 1)..]));
            }
        }

        return (command, properties, Unescape(line[(end + 1)..]));
    }

    // The agent's order: the special characters, then %AZP25 back to '%'.
    private static string Unescape(string text) => text
        .Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal)
        .Replace("%5D", "]", StringComparison.Ordinal).Replace("%3B", ";", StringComparison.Ordinal)
        .Replace("%AZP25", "%", StringComparison.Ordinal);

    public class ThePrepareMethod
    {
        public static TheoryData<string> HostileValues => OutputSamples.HostileValues;

        [Theory]
        [MemberData(nameof(HostileValues))]
        public void SetsExactlyTheOutputsAsSecretsAndIssuesNoOtherCommand(string value)
        {
            var sink = new RecordingCiSink();

            Host(sink).Prepare(OutputSamples.Around(value), new ExportRequest(true, ["NAME"])).Apply();

            var commands = sink.Lines.Select(Parse).ToArray();
            Assert.All(commands, c => Assert.Contains(c.Command, new[] { "task.setvariable", "task.setsecret" }));
            var variables = commands.Where(c => c.Command == "task.setvariable").ToArray();
            Assert.All(variables, c => Assert.Equal("true", c.Properties["issecret"]));
            Assert.Equal(
                [("BEFORE", "before", false), ("NAME", value, false), ("NAME", value, true), ("AFTER", "after", false)],
                variables.Select(c => (c.Properties["variable"], c.Message, c.Properties.ContainsKey("isoutput"))).ToArray());
            var secrets = commands.Where(c => c.Command == "task.setsecret").Select(c => c.Message).ToArray();
            var lines = value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal)
                ? value.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray()
                : [];
            Assert.Equal(lines, secrets);
        }

        [Fact]
        public void RegistersLineMasksBeforeAnyVariable()
        {
            var sink = new RecordingCiSink();

            Host(sink).Prepare(OutputSamples.Around("first line\nsecond line"), ExportRequest.Default).Apply();

            Assert.StartsWith("##vso[task.setsecret]", sink.Lines[0], StringComparison.Ordinal);
            Assert.StartsWith("##vso[task.setsecret]", sink.Lines[1], StringComparison.Ordinal);
            Assert.All(sink.Lines.Skip(2), l => Assert.StartsWith("##vso[task.setvariable", l, StringComparison.Ordinal));
        }

        [Fact]
        public void MasksWithoutExportingWhenEnvironmentExportIsOff()
        {
            var sink = new RecordingCiSink();

            Host(sink).Prepare(OutputSamples.Around("v"), new ExportRequest(false, [])).Apply();

            Assert.Equal(["##vso[task.setsecret]before", "##vso[task.setsecret]v", "##vso[task.setsecret]after"], sink.Lines);
        }

        [Theory]
        [InlineData("BAD]NAME")]
        [InlineData("BAD;issecret=false")]
        [InlineData("BAD\nNAME")]
        [InlineData("SYSTEM_ACCESSTOKEN")]
        [InlineData("build_sourcesdirectory")]
        public void RejectsANameTheAgentCannotTakeAndWritesNothing(string name)
        {
            var sink = new RecordingCiSink();

            var error = Assert.Throws<SecretsPipelineException>(() => Host(sink).Prepare([new ResolvedOutput(name, name, OutputSamples.Value("s3cr3t"))], ExportRequest.Default));

            Assert.Equal(Codes.CiBadName, error.Code);
            Assert.Empty(sink.Lines);
        }

        [Fact]
        public void RefusesANulValue()
        {
            var sink = new RecordingCiSink();

            var error = Assert.Throws<SecretsPipelineException>(() => Host(sink).Prepare(OutputSamples.Around("a\0b"), ExportRequest.Default));

            Assert.Equal(Codes.OutputUnrepresentable, error.Code);
            Assert.Empty(sink.Lines);
        }
    }

    public class ThePublishSummaryMethod
    {
        [Fact]
        public void WritesTheFileThenUploadsIt()
        {
            var sink = new RecordingCiSink();

            Host(sink).PublishSummary("# summary", "/agent/temp/s.md");

            Assert.Equal("# summary\n", sink.Files["/agent/temp/s.md"]);
            var (command, _, message) = Parse(Assert.Single(sink.Lines));
            Assert.Equal("task.uploadsummary", command);
            Assert.Equal("/agent/temp/s.md", message);
        }

        [Fact]
        public void DefaultsToAFileInTheAgentTempDirectory()
        {
            var sink = new RecordingCiSink();

            Host(sink).PublishSummary("# summary", null);

            var path = Assert.Single(sink.Files.Keys);
            Assert.StartsWith("/agent/temp/secrets-pipeline-summary-", path, StringComparison.Ordinal);
            Assert.Equal(path, Parse(Assert.Single(sink.Lines)).Message);
        }
    }
}
