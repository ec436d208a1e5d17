using System.Diagnostics;

namespace SecretsPipeline.Benchmarks.Processes;

/// <summary>A process to start: program, arguments, folder and the variables it gets on top of (or removed from) ours.</summary>
internal sealed record ProcessCommand(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string?>? Environment = null)
{
    public override string ToString() => string.Join(' ', Arguments.Prepend(FileName).Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));

    public ProcessCommand Prefixed(string fileName, params string[] arguments) => this with { FileName = fileName, Arguments = [.. arguments, FileName, .. Arguments] };

    public ProcessStartInfo StartInfo()
    {
        var info = new ProcessStartInfo(FileName)
        {
            WorkingDirectory = WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in Environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        return info;
    }
}
