using SecretsPipeline.Benchmarks.Processes;

namespace SecretsPipeline.Benchmarks.Fixtures;

/// <summary>
/// The start-up baseline: the smallest console app, published the way the CLI ships (framework-dependent, apphost,
/// same target framework, the installed package's runtime identifier and ReadyToRun setting, invariant globalization as
/// the repository's Directory.Build.props sets for the CLI).
/// It lives outside the repository so none of the repository's build settings or packages apply.
/// </summary>
internal static class BareConsoleApp
{
    /// <returns>The published apphost.</returns>
    public static async Task<string> PublishAsync(string directory, CliUnderTest cli)
    {
        var targetFramework = cli.TargetFramework;
        await File.WriteAllTextAsync(Path.Combine(directory, "bare.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>{targetFramework}</TargetFramework>
                <ImplicitUsings>disable</ImplicitUsings>
                <InvariantGlobalization>true</InvariantGlobalization>
              </PropertyGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "Program.cs"), "System.Console.WriteLine(\"0.1.0\");\n");
        var output = Path.Combine(directory, "publish");
        await ProcessRun.CheckedAsync(DotnetSdk.Command(directory, "publish", ["-c", "Release", "-o", output, .. cli.PublishArguments()]), TimeSpan.FromMinutes(5));
        var apphost = Path.Combine(output, OperatingSystem.IsWindows() ? "bare.exe" : "bare");
        return File.Exists(apphost) ? apphost : throw new BenchException($"`dotnet publish` left no apphost at {apphost}");
    }
}
