using SecretsPipeline.Benchmarks.Processes;

namespace SecretsPipeline.Benchmarks.Fixtures;

/// <summary>
/// `dotnet` commands for the throw-away projects: no build servers or reused nodes left running after the bench, and
/// none of the MSBuild variables a parent `dotnet run` may have set.
/// </summary>
internal static class DotnetSdk
{
    private static readonly string[] _inheritedMSBuildVariables = ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly"];

    public static ProcessCommand Command(string workingDirectory, string verb, params string[] arguments) =>
        Command(workingDirectory, new Dictionary<string, string?>(), verb, arguments);

    public static ProcessCommand Command(string workingDirectory, IReadOnlyDictionary<string, string?> environment, string verb, params string[] arguments)
    {
        var variables = _inheritedMSBuildVariables.ToDictionary(name => name, _ => (string?)null);
        foreach (var (name, value) in environment)
        {
            variables[name] = value;
        }

        return new("dotnet", [verb, .. arguments, "-nodeReuse:false", "-p:UseSharedCompilation=false"], workingDirectory, variables);
    }
}
