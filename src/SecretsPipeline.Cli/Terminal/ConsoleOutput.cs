using System.Text;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Cli.Terminal;

/// <summary>The two streams a command writes to; tests and hosts swap them to capture every byte.</summary>
internal sealed class ConsoleOutput(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    /// <summary>A human line: to standard error when standard output carries data or JSON, else to standard output.</summary>
    public void Info(string line, bool toError = false) => (toError ? Error : Out).WriteLine(line);

    public void WriteJson(JsonNode report) => Out.Write(Encoding.UTF8.GetString(CanonicalJson.Serialize(report)));
}
