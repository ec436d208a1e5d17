using SecretsPipeline.Core.Output;
using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Core.Ci;

/// <summary>
/// Azure Pipelines: one <c>##vso[task.setvariable …;issecret=true]</c> logging command per value (which also masks it),
/// plus <c>##vso[task.setsecret]</c> for each line of a multi-line value. Values and properties are escaped as the
/// task library does, so no value can end its command or start another one.
/// </summary>
public sealed class AzurePipelinesHost(ICiSink sink, Func<string, string?> environment) : ICiHost
{
    public const string FormatName = "azure-devops";

    private const string HostName = "Azure Pipelines";

    // The agent refuses to let a task overwrite its own variables; fail early with a clear message instead.
    private static readonly string[] _reserved = ["AGENT_", "BUILD_", "SYSTEM_", "RELEASE_", "ENDPOINT_", "SECUREFILE_"];

    public string Name => FormatName;

    /// <summary>The logging commands for a resolve, built and checked before anything is written.</summary>
    public static IReadOnlyList<string> Commands(IReadOnlyList<ResolvedOutput> outputs, ExportRequest request)
    {
        CiNames.CheckStepOutputs(outputs, request.StepOutputs);
        var lines = new List<string>();
        foreach (var output in outputs)
        {
            CiNames.CheckName(HostName, output.Name, _reserved);
            var value = CommandEscaping.AzureData(OutputFormats.RequireNoNul(output));
            var name = CommandEscaping.AzureProperty(output.Name);
            lines.AddRange(MaskLines.For(output.Value.Reveal()).Skip(1).Select(line => "##vso[task.setsecret]" + CommandEscaping.AzureData(line)));
            if (request.ExportEnvironment)
            {
                lines.Add($"##vso[task.setvariable variable={name};issecret=true]{value}");
            }

            if (request.StepOutputs.Contains(output.Name))
            {
                lines.Add($"##vso[task.setvariable variable={name};isoutput=true;issecret=true]{value}");
            }

            if (!request.ExportEnvironment && !request.StepOutputs.Contains(output.Name))
            {
                // Not exported, but it may still reach a log through --out or a later step: register it with the masker.
                lines.Add("##vso[task.setsecret]" + value);
            }
        }

        // Masks first: a setsecret line registers a value before any line that carries it.
        return lines.Where(IsMask).Concat(lines.Where(l => !IsMask(l))).ToArray();
    }

    private static bool IsMask(string line) => line.StartsWith("##vso[task.setsecret]", StringComparison.Ordinal);

    public PreparedExport Prepare(IReadOnlyList<ResolvedOutput> outputs, ExportRequest request)
    {
        var lines = Commands(outputs, request);
        return new PreparedExport(() =>
        {
            foreach (var line in lines)
            {
                sink.WriteLine(line);
            }
        });
    }

    public void PublishSummary(string markdown, string? path)
    {
        var target = path ?? Path.Combine(environment("AGENT_TEMPDIRECTORY") is { Length: > 0 } temp ? temp : Path.GetTempPath(), $"secrets-pipeline-summary-{Guid.NewGuid():N}.md");
        sink.Append(target, markdown.EndsWith('\n') ? markdown : markdown + "\n");
        sink.WriteLine("##vso[task.uploadsummary]" + CommandEscaping.AzureData(Path.GetFullPath(target)));
    }
}
