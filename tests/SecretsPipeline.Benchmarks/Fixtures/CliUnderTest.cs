using SecretsPipeline.Benchmarks.Processes;

namespace SecretsPipeline.Benchmarks.Fixtures;

/// <summary>
/// The CLI as `./build.sh pack` built it (Release, framework-dependent): its apphost <c>secrets-pipeline</c> as a user
/// runs the installed tool, else <c>dotnet secrets-pipeline.dll</c>.
/// </summary>
internal sealed record CliUnderTest(string FileName, IReadOnlyList<string> Prefix, string TargetFramework, string Display)
{
    public static CliUnderTest Locate(string repositoryRoot)
    {
        var release = Path.Combine(repositoryRoot, "src", "SecretsPipeline.Cli", "bin", "Release");
        var dll = Directory.Exists(release)
            ? Directory.EnumerateFiles(release, "secrets-pipeline.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        if (dll is null)
        {
            throw new BenchException($"no Release build of the CLI under {release}; run `./build.sh pack` (or `./build.sh bench`, which does).");
        }

        var folder = Path.GetDirectoryName(dll)!;
        var apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? "secrets-pipeline.exe" : "secrets-pipeline");
        var framework = Path.GetFileName(folder);
        return File.Exists(apphost)
            ? new CliUnderTest(apphost, [], framework, Path.GetRelativePath(repositoryRoot, apphost))
            : new CliUnderTest("dotnet", [dll], framework, "dotnet " + Path.GetRelativePath(repositoryRoot, dll));
    }

    public ProcessCommand Command(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        new(FileName, [.. Prefix, .. arguments], workingDirectory, environment);

    /// <summary>The command as the report shows it, relative to the repository.</summary>
    public override string ToString() => Display;
}
