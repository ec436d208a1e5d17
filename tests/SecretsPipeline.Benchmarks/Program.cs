using System.Diagnostics;
using SecretsPipeline.Benchmarks;
using SecretsPipeline.Benchmarks.Fixtures;
using SecretsPipeline.Benchmarks.Processes;
using SecretsPipeline.Benchmarks.Reporting;
using SecretsPipeline.Benchmarks.Rows;

// `./build.sh bench`: measures the issue-8 rows, each as a ratio against a baseline taken in this same run, and writes
// artifacts/bench/results.{json,md}. It asserts nothing: a missed target is a "no" in the table, not a failure.
BenchOptions options;
string root;
try
{
    options = BenchOptions.Parse(args);
    root = RepositoryRoot();
}
catch (BenchException ex)
{
    Console.Error.WriteLine($"bench: {ex.Message}");
    return 2;
}

PeakRss.UseGnuTime &= !options.PollRss;
var clock = Stopwatch.StartNew();
using var scratch = new Scratch(options.Keep);
CliUnderTest cli;
try
{
    cli = await CliUnderTest.InstallAsync(root, scratch.Folder("cli"));
}
catch (BenchException ex)
{
    Console.Error.WriteLine($"bench: {ex.Message}");
    return 2;
}

var context = new BenchContext(root, options.OutDirectory, cli, scratch);
Console.WriteLine($"bench: CLI {cli}; scratch {scratch.Root}");

var results = new List<RowResult>();
results.AddRange(await MeasureAsync([Specs.Resolve500, Specs.ResolveBound, Specs.Lock500], () => VaultRows.MeasureAsync(context)));
results.AddRange(await MeasureAsync([Specs.Verify1000], async () => [await VerifyRow.MeasureAsync(context)]));
results.AddRange(await MeasureAsync([Specs.History10k], async () => [await HistoryRow.MeasureAsync(context)]));
results.AddRange(await MeasureAsync([Specs.MSBuildNoop], async () => [await MSBuildNoopRow.MeasureAsync(context)]));
results.AddRange(await MeasureAsync([Specs.Start], async () => [await StartRow.MeasureAsync(context)]));
results.AddRange(await MeasureAsync([Specs.Memory], async () => [await MemoryRow.MeasureAsync(context)]));

ReportWriter.WriteAll(options.OutDirectory, MachineInfo.Current(), results);
Console.WriteLine($"bench: done in {clock.Elapsed.TotalMinutes:0.0} min");
return 0;

// A row that fails is reported as such; the others still run.
async Task<IReadOnlyList<RowResult>> MeasureAsync(RowSpec[] specs, Func<Task<IReadOnlyList<RowResult>>> measure)
{
    if (!specs.Any(s => options.Includes(s.Name)))
    {
        return specs.Select(s => s.NotMeasured("skipped (--rows)")).ToArray();
    }

    var names = string.Join(", ", specs.Select(s => s.Name));
    Console.WriteLine($"bench: measuring {names} …");
    var rowClock = Stopwatch.StartNew();
    try
    {
        var rows = await measure();
        Console.WriteLine($"bench: {names} took {rowClock.Elapsed.TotalSeconds:0} s");
        return rows;
    }
    catch (Exception ex)
    {
        // Whatever went wrong (a missing git, a package that does not pack, a CLI error), the table says so for this row.
        Console.Error.WriteLine($"bench: {names} failed: {ex.Message}");
        return specs.Select(s => s.NotMeasured($"failed: {ex.Message}")).ToArray();
    }
}

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "SecretsPipeline.sln")))
        {
            return dir.FullName;
        }
    }

    throw new BenchException("run from inside the repository (no SecretsPipeline.sln above the current folder)");
}
