using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Core.Output;

/// <summary>The output formats by name.</summary>
public static class OutputFormats
{
    private static readonly IOutputFormat[] _all = [new DotenvFormat(), new JsonFormat(), new ShellFormat()];

    /// <summary>Every <c>--format</c> name: the text formats, then the CI hosts (<see cref="Ci.CiHosts"/>).</summary>
    public static IReadOnlyList<string> Names => _all.Select(f => f.Name).Concat(Ci.CiHosts.Names).ToArray();

    /// <summary>A text format; CI-host formats are created with <see cref="Ci.CiHosts.Create"/>.</summary>
    public static IOutputFormat Get(string name) =>
        _all.FirstOrDefault(f => f.Name == name)
        ?? throw new SecretsPipelineException(Codes.Usage, $"unknown format '{name}'; use one of: {string.Join(", ", Names)}.");

    /// <summary>Checks a <c>--format</c> name before any work is done.</summary>
    public static void Check(string name)
    {
        if (!Ci.CiHosts.IsHost(name))
        {
            Get(name);
        }
    }

    /// <summary>Environment variables cannot hold NUL; refuse rather than truncate silently.</summary>
    internal static string RequireNoNul(ResolvedOutput output)
    {
        var value = output.Value.Reveal();
        return value.Contains('\0', StringComparison.Ordinal)
            ? throw new SecretsPipelineException(Codes.OutputUnrepresentable, $"the value of '{output.Name}' contains a NUL character, which an environment variable cannot hold; use --format json.")
            : value;
    }
}
