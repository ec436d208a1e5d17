using System.Diagnostics;
using System.IO.Compression;
using System.Security;
using SecretsPipeline.Testing;

namespace SecretsPipeline.MSBuild.Tests.EndToEnd;

/// <summary>
/// Packs the build package and the runtime package (with the libraries it depends on) once, from this configuration's
/// build output, into a local feed, under a version no earlier run used: the shared NuGet cache can never hand a test
/// a stale package, and the versions this run added to the cache are deleted at the end.
/// </summary>
public sealed class PackagesFixture : IAsyncLifetime
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static readonly string[] PackagedProjects =
    [
        "SecretsPipeline.Core",
        "SecretsPipeline.Stores.Local",
        "SecretsPipeline.Vault",
        "SecretsPipeline.Extensions.Configuration",
        "SecretsPipeline.MSBuild",
    ];

    private readonly TempDirectory _root = new("spl-msbuild-e2e-");

    public string Version { get; } = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    public string RepoRoot { get; } = FindRepoRoot();

    public string Feed => _root.Combine("feed");

    /// <summary>The CLI as the package carries it (tools/cli), for setting up fixtures the way a user would.</summary>
    public string CliPath => _root.Combine("cli", "secrets-pipeline.dll");

    public TimeSpan PackTime { get; private set; }

    public string NewDirectory(string name) => Directory.CreateDirectory(_root.Combine(name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public async Task InitializeAsync()
    {
        var watch = Stopwatch.StartNew();
        var projects = PackagedProjects.Select(p => Path.Combine(RepoRoot, "src", p, p + ".csproj")).ToArray();
        var missing = projects.Select(BuiltAssembly).FirstOrDefault(f => !File.Exists(f));
        if (missing is not null)
        {
            throw new InvalidOperationException($"{missing} does not exist; build the solution in {Configuration} first (the fixture packs with NoBuild).");
        }

        // One MSBuild invocation for all five packages; NoBuild, so the solution's build outputs are packed as they are.
        var packProject = _root.Combine("pack.proj");
        await File.WriteAllTextAsync(packProject, $"""
            <Project>
              <ItemGroup>
            {string.Concat(projects.Select(p => $"    <PackProject Include=\"{SecurityElement.Escape(p)}\" />\n"))}  </ItemGroup>
              <Target Name="Pack">
                <MSBuild Projects="@(PackProject)" Targets="Pack" Properties="Configuration={Configuration};NoBuild=true;Version={Version};PackageOutputPath={SecurityElement.Escape(Feed)}/" />
              </Target>
            </Project>
            """);
        var result = await ProcessRunner.RunAsync(ProcessRunner.Dotnet, ["msbuild", packProject, "-t:Pack", "-nologo", "-v:m"], _root.Path, new Dictionary<string, string?>(), ChildEnvironment.MSBuild);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"packing failed:\n{result}");
        }

        using (var package = ZipFile.OpenRead(Path.Combine(Feed, $"SecretsPipeline.MSBuild.{Version}.nupkg")))
        {
            foreach (var entry in package.Entries.Where(e => e.FullName.StartsWith("tools/cli/", StringComparison.Ordinal) && e.Name.Length > 0))
            {
                var target = _root.Combine("cli", entry.FullName["tools/cli/".Length..]);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                entry.ExtractToFile(target);
            }
        }

        PackTime = watch.Elapsed;
    }

    public Task DisposeAsync()
    {
        _root.Dispose();
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in PackagedProjects)
        {
            var folder = Path.Combine(cache, id.ToLowerInvariant());
            TempDirectory.TryDelete(Path.Combine(folder, Version));
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            {
                Directory.Delete(folder);
            }
        }

        return Task.CompletedTask;
    }

    private static string BuiltAssembly(string project) =>
        Path.Combine(Path.GetDirectoryName(project)!, "bin", Configuration, "net10.0", Path.GetFileNameWithoutExtension(project) + ".dll");

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
}
