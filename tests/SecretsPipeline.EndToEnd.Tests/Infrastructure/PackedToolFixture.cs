using System.Text.RegularExpressions;
using SecretsPipeline.Testing;
using Xunit;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Installs the packed <c>secrets-pipeline</c> tool once for the whole collection, so every test drives what users
/// install: the nupkg in artifacts/packages (packed first if it is missing or older than the sources).
/// </summary>
public sealed partial class PackedToolFixture : IAsyncLifetime
{
    private const string PackageId = "secrets-pipeline";

    private static readonly TimeSpan _packTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan _installTimeout = TimeSpan.FromMinutes(2);

    private string? _temp;

    public string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The installed tool's command, the shim <c>dotnet tool install --tool-path</c> made.</summary>
    public string ToolPath { get; private set; } = string.Empty;

    public string PackageVersion { get; private set; } = string.Empty;

    public static string DotnetPath => ProcessRunner.Dotnet;

    public async Task InitializeAsync()
    {
        var packages = Path.Combine(RepoRoot, "artifacts", "packages");
        var package = FindPackage(packages);
        if (package is null || IsOlderThanSources(package))
        {
            await RunDotnetAsync(RepoRoot, _packTimeout, "pack", "src/SecretsPipeline.Cli", "-c", "Release", "-o", "artifacts/packages");
            package = FindPackage(packages) ?? throw new InvalidOperationException($"dotnet pack wrote no {PackageId}.*.nupkg to {packages}");
        }

        PackageVersion = package.Version;
        _temp = Directory.CreateTempSubdirectory("spl-e2e-tool-").FullName;
        var toolPath = Path.Combine(_temp, "tool");
        // Only the local feed, and a package cache of our own: a cached secrets-pipeline of the same version from an
        // earlier pack must not stand in for the one just built.
        var config = Path.Combine(_temp, "nuget.config");
        await File.WriteAllTextAsync(config, """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
              </packageSources>
            </configuration>
            """);
        await RunDotnetAsync(
            _temp,
            _installTimeout,
            new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(_temp, "nuget-packages") },
            "tool", "install", PackageId, "--tool-path", toolPath, "--add-source", packages, "--version", PackageVersion, "--configfile", config);
        ToolPath = Path.Combine(toolPath, OperatingSystem.IsWindows() ? PackageId + ".exe" : PackageId);
        if (!File.Exists(ToolPath))
        {
            throw new InvalidOperationException($"dotnet tool install succeeded but {ToolPath} does not exist");
        }
    }

    public Task DisposeAsync()
    {
        if (_temp is not null)
        {
            TempDirectory.TryDelete(_temp);
        }

        return Task.CompletedTask;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SecretsPipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no SecretsPipeline.sln above {AppContext.BaseDirectory}");
    }

    private static Package? FindPackage(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, PackageId + ".*.nupkg")
                .Select(path => (Path: path, Match: PackageFileName().Match(System.IO.Path.GetFileName(path))))
                .Where(p => p.Match.Success)
                .OrderByDescending(p => File.GetLastWriteTimeUtc(p.Path))
                .Select(p => new Package(p.Path, p.Match.Groups["version"].Value))
                .FirstOrDefault()
            : null;

    /// <summary>A package packed before the last source edit would test old code.</summary>
    private bool IsOlderThanSources(Package package)
    {
        var packed = File.GetLastWriteTimeUtc(package.Path);
        var sources = Directory.EnumerateFiles(Path.Combine(RepoRoot, "src"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Concat(Directory.EnumerateFiles(RepoRoot, "Directory.*.props"));
        return sources.Any(f => File.GetLastWriteTimeUtc(f) > packed);
    }

    private static Task RunDotnetAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        RunDotnetAsync(workingDirectory, timeout, null, arguments);

    private static async Task RunDotnetAsync(
        string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment, params string[] arguments)
    {
        var info = ProcessRunner.StartInfo(DotnetPath, arguments, workingDirectory, environment, ChildEnvironment.EndToEnd);
        var result = await ProcessRunner.RunAsync(info, null, timeout);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{ProcessRunner.Describe(info)} failed: {result}");
        }
    }

    private sealed record Package(string Path, string Version);

    [GeneratedRegex(@"^secrets-pipeline\.(?<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageFileName();
}
