using System.Diagnostics;
using SecretsPipeline.Benchmarks.Fixtures;
using SecretsPipeline.Benchmarks.Processes;
using SecretsPipeline.Benchmarks.Reporting;

namespace SecretsPipeline.Benchmarks.Rows;

/// <summary>memory: peak RSS of `resolve --env production --out FILE` of 10,000 secrets against the same of 10, embedded store.</summary>
internal static class MemoryRow
{
    private const int Large = 10_000;
    private const int Small = 10;
    private const int Runs = 3;

    public static async Task<RowResult> MeasureAsync(BenchContext context)
    {
        var large = await LocalProject.CreateAsync(context.Scratch.Folder("memory-large"), context.Scratch.Home, Large);
        var small = await LocalProject.CreateAsync(context.Scratch.Folder("memory-small"), context.Scratch.Home, Small);
        var largeRss = new List<double>();
        var smallRss = new List<double>();
        var largeTime = new List<double>();
        for (var run = 0; run < Runs; run++)
        {
            smallRss.Add(await PeakRss.MeasureMiBAsync(Resolve(context, small)));
            var clock = Stopwatch.StartNew();
            largeRss.Add(await PeakRss.MeasureMiBAsync(Resolve(context, large)));
            largeTime.Add(clock.Elapsed.TotalMilliseconds);
        }

        var written = File.ReadLines(Path.Combine(large.Directory, "out.env")).Count();
        return Specs.Memory.Measured(
            new Sample(largeRss, "MiB"),
            new Sample(smallRss, "MiB"),
            $"whole process `secrets-pipeline resolve --env {ManifestText.Environment} --out FILE` (dotenv; {context.Cli}), {Runs} runs each alternating; {PeakRss.Method}; "
            + $"embedded store populated through the LocalStore API, lock by the Locker, signed; the {Large:N0}-secret resolve wrote {written:N0} lines "
            + $"and took {new Sample(largeTime, "ms")}.");
    }

    private static ProcessCommand Resolve(BenchContext context, LocalProject project) =>
        context.Cli.Command(
            project.Directory,
            context.Scratch.CliEnvironment,
            "resolve", "--env", ManifestText.Environment, "--manifest", project.ManifestPath, "--out", Path.Combine(project.Directory, "out.env"));
}
