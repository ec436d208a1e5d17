using System.Text.RegularExpressions;
using SecretsPipeline.Benchmarks.Processes;

namespace SecretsPipeline.Benchmarks.Fixtures;

/// <summary>
/// The CLI as users get it: the <c>secrets-pipeline</c> package `./build.sh pack` wrote to artifacts/packages,
/// installed with `dotnet tool install --tool-path` from that folder alone. On a platform with its own package
/// (linux-x64: framework-dependent, ReadyToRun) the install picks that one; elsewhere the RID-neutral <c>any</c> one.
/// </summary>
internal sealed partial record CliUnderTest(string FileName, string TargetFramework, string RuntimeIdentifier, bool ReadyToRun, string Display)
{
    private const string PackageId = "secrets-pipeline";

    public static async Task<CliUnderTest> InstallAsync(string repositoryRoot, string scratchFolder)
    {
        var packages = Path.Combine(repositoryRoot, "artifacts", "packages");
        var version = Directory.Exists(packages)
            ? Directory.EnumerateFiles(packages, PackageId + ".*.nupkg")
                .Select(path => (Path: path, Match: PackageFileName().Match(System.IO.Path.GetFileName(path))))
                .Where(p => p.Match.Success)
                .OrderByDescending(p => File.GetLastWriteTimeUtc(p.Path))
                .Select(p => p.Match.Groups["version"].Value)
                .FirstOrDefault()
            : null;
        if (version is null)
        {
            throw new BenchException($"no {PackageId} package in {packages}; run `./build.sh pack` (or `./build.sh bench`, which does).");
        }

        // Only the local feed and a package cache of our own, so an older package of the same version cannot stand in.
        var config = Path.Combine(scratchFolder, "nuget.config");
        await File.WriteAllTextAsync(config, """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
            </configuration>
            """);
        var toolPath = Path.Combine(scratchFolder, "tool");
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(scratchFolder, "nuget-packages") };
        await ProcessRun.CheckedAsync(
            new ProcessCommand("dotnet", ["tool", "install", PackageId, "--tool-path", toolPath, "--add-source", packages, "--version", version, "--configfile", config], scratchFolder, environment),
            TimeSpan.FromMinutes(5));

        // The installed tool's files sit under .store/<id>/<version>/<package>/<version>/tools/<tfm>/<rid>/.
        var dll = Directory.EnumerateFiles(Path.Combine(toolPath, ".store"), PackageId + ".dll", SearchOption.AllDirectories).SingleOrDefault()
            ?? throw new BenchException($"`dotnet tool install` left no {PackageId}.dll under {toolPath}");
        var folder = new DirectoryInfo(Path.GetDirectoryName(dll)!);
        var command = Path.Combine(toolPath, OperatingSystem.IsWindows() ? PackageId + ".exe" : PackageId);
        var readyToRun = IsReadyToRun(dll);
        return new CliUnderTest(
            command,
            folder.Parent!.Name,
            folder.Name,
            readyToRun,
            $"{PackageId} {version} installed from artifacts/packages ({folder.Name} package, {(readyToRun ? "ReadyToRun" : "JIT")})");
    }

    public ProcessCommand Command(string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        new(FileName, arguments, workingDirectory, environment);

    /// <summary>How the tool is published, for the bare app to be published the same way.</summary>
    public string[] PublishArguments() =>
        RuntimeIdentifier == "any"
            ? []
            : ["-r", RuntimeIdentifier, "--self-contained", "false", $"-p:PublishReadyToRun={(ReadyToRun ? "true" : "false")}"];

    public override string ToString() => Display;

    // A ReadyToRun image has a managed native header (the CLI header's ManagedNativeHeader directory is non-zero).
    private static bool IsReadyToRun(string assembly)
    {
        using var stream = File.OpenRead(assembly);
        using var reader = new System.Reflection.PortableExecutable.PEReader(stream);
        return reader.PEHeaders.CorHeader is { ManagedNativeHeaderDirectory.Size: > 0 };
    }

    [GeneratedRegex(@"^secrets-pipeline\.(?<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageFileName();
}
