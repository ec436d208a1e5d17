using SecretsPipeline.Benchmarks.Fixtures;
using SecretsPipeline.Benchmarks.Processes;
using SecretsPipeline.Benchmarks.Reporting;

namespace SecretsPipeline.Benchmarks.Rows;

/// <summary>
/// msbuild-noop: packs src/SecretsPipeline.MSBuild into a scratch feed, builds a sample project with and without it until
/// both are up to date, then times further `dotnet build`s (restore and build, nothing to do). Not measured while the
/// package project is missing or does not pack.
/// </summary>
internal static class MSBuildNoopRow
{
    private const int Runs = 9;

    public static async Task<RowResult> MeasureAsync(BenchContext context)
    {
        var project = Path.Combine(context.RepositoryRoot, "src", "SecretsPipeline.MSBuild", "SecretsPipeline.MSBuild.csproj");
        if (!File.Exists(project))
        {
            return Specs.MSBuildNoop.NotMeasured("not measured: needs the SecretsPipeline.MSBuild package (issue 7)");
        }

        var feed = context.Scratch.Folder("msbuild-feed");
        var pack = await ProcessRun.StartAsync(DotnetSdk.Command(context.RepositoryRoot, "pack", project, "-c", "Release", "-o", feed), TimeSpan.FromMinutes(10));
        var package = Directory.EnumerateFiles(feed, $"{MSBuildSample.PackageId}.*.nupkg").FirstOrDefault();
        if (pack.ExitCode != 0 || package is null)
        {
            var why = pack.StdOut.Split('\n').FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase))?.Trim() ?? $"exit code {pack.ExitCode}";
            return Specs.MSBuildNoop.NotMeasured($"not measured: src/SecretsPipeline.MSBuild did not pack ({why})");
        }

        var version = Path.GetFileNameWithoutExtension(package)[(MSBuildSample.PackageId.Length + 1)..];
        var framework = context.Cli.TargetFramework;
        var with = await MSBuildSample.CreateAsync(context.Scratch.Folder("msbuild-with"), context.Scratch.Home, framework, feed, version);
        var without = await MSBuildSample.CreateAsync(context.Scratch.Folder("msbuild-without"), context.Scratch.Home, framework, feed, null);
        var buildWith = DotnetSdk.Command(with, context.Scratch.CliEnvironment, "build");
        var buildWithout = DotnetSdk.Command(without, context.Scratch.CliEnvironment, "build");

        // Restore and compile, then one incremental build so that whatever a first rebuild still touches is settled.
        foreach (var build in new[] { buildWith, buildWithout, buildWith, buildWithout })
        {
            await ProcessRun.CheckedAsync(build, TimeSpan.FromMinutes(5));
        }

        var stamp = Directory.EnumerateFiles(Path.Combine(with, "obj"), "secrets-pipeline.stamp", SearchOption.AllDirectories).Any();
        if (!stamp)
        {
            throw new BenchException("the sample with the package built, but its lock check left no stamp in obj/: the package's targets did not run");
        }

        var (measured, baseline) = await ProcessTimer.CompareAsync(buildWith, buildWithout, Runs);
        return Specs.MSBuildNoop.Measured(
            measured,
            baseline,
            $"whole `dotnet build` (restore + build, Debug) of an up-to-date console project, {Runs} runs each alternating after 1 warm-up, "
            + $"-nodeReuse:false and no compiler server (nothing left running); {MSBuildSample.PackageId} {version} packed from src/ in this run; "
            + "both projects hold the same 10-secret locked secrets.yaml; the package's check stamp was present. "
            + "The 5 % margin is narrower than this machine's run-to-run spread: compare several runs before reading a verdict.");
    }
}
