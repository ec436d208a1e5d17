using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using SecretsPipeline.Benchmarks.Fixtures;
using SecretsPipeline.Benchmarks.Processes;
using SecretsPipeline.Benchmarks.Reporting;
using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Benchmarks.Rows;

/// <summary>
/// resolve-500, resolve-bound and lock-500 with BenchmarkDotNet: in-process toolchain (the fake server lives in this
/// process, on loopback), monitoring strategy (macro benchmark: no pilot, no overhead subtraction), one invocation per
/// iteration and <see cref="Iterations"/> measured iterations per case, after warm-up operations until the code is in
/// its steady state (what BenchmarkDotNet measures): <see cref="WarmupsAtDefault"/> at the default parallelism, whose
/// operation is about 0.1 s, where a single warm-up left most of the measured operations running tier-0 code and paying
/// the JIT's tier-up on the same two cores; one at parallelism 1, whose 500 sequential requests take 3 s and tier up
/// within the warm-up itself.
/// </summary>
internal static class VaultRows
{
    private const int Iterations = 5;
    private const int WarmupsAtDefault = 40;

    public static async Task<IReadOnlyList<RowResult>> MeasureAsync(BenchContext context)
    {
        var (resolveRequests, lockRequests) = await RequestsPerCallAsync();
        var serial = BenchmarkRunner.Run<VaultBenchmarks>(Config(context.OutDirectory, "parallelism-1", warmups: 1, parallelism => parallelism == 1));
        var parallel = BenchmarkRunner.Run<VaultBenchmarks>(Config(context.OutDirectory, "parallelism-default", WarmupsAtDefault, parallelism => parallelism != 1));
        Sample Result(string method, int parallelism) => Milliseconds(parallelism == 1 ? serial : parallel, method, parallelism);

        var method = $"BenchmarkDotNet {BenchmarkDotNetVersion}, in-process, {Iterations} iterations × 1 invocation after {WarmupsAtDefault} warm-up operations at parallelism {Resolver.DefaultParallelism} and 1 at parallelism 1 (steady state); "
            + $"fake Vault in the same process on 127.0.0.1, {VaultFixture.Latency.TotalMilliseconds:0} ms added per request; "
            + $"{resolveRequests} requests per resolve, {lockRequests} per lock; "
            + "default = the Resolver's/Locker's and the Vault client's parallelism 32, baseline = both 1.";
        var resolve = Result(nameof(VaultBenchmarks.Resolve), Resolver.DefaultParallelism);
        var bound = Math.Ceiling((double)VaultFixture.Secrets / Resolver.DefaultParallelism) * VaultFixture.Latency.TotalMilliseconds;
        return
        [
            Specs.Resolve500.Measured(resolve, Result(nameof(VaultBenchmarks.Resolve), 1), method),
            Specs.ResolveBound.Measured(resolve, Sample.Of(bound, "ms"), $"the resolve-500 measurement against ceil({VaultFixture.Secrets}/{Resolver.DefaultParallelism}) × {VaultFixture.Latency.TotalMilliseconds:0} ms."),
            Specs.Lock500.Measured(Result(nameof(VaultBenchmarks.Lock), Resolver.DefaultParallelism), Result(nameof(VaultBenchmarks.Lock), 1), method),
        ];
    }

    private static string BenchmarkDotNetVersion => typeof(BenchmarkRunner).Assembly.GetName().Version?.ToString(3) ?? "?";

    /// <summary>One resolve and one lock outside BenchmarkDotNet, to state how many requests the lower bound is about.</summary>
    private static async Task<(long Resolve, long Lock)> RequestsPerCallAsync()
    {
        await using var fixture = await VaultFixture.StartAsync();
        var start = fixture.RequestCount;
        await fixture.ResolveAsync(Resolver.DefaultParallelism);
        var resolved = fixture.RequestCount;
        await fixture.LockAsync(Resolver.DefaultParallelism);
        return (resolved - start, fixture.RequestCount - resolved);
    }

    private static IConfig Config(string outDirectory, string name, int warmups, Func<int, bool> parallelism)
    {
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(warmups)
            .WithIterationCount(Iterations)
            .WithInvocationCount(1)
            .WithUnrollFactor(1);
        return ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(NullLogger.Instance)
            .AddExporter(MarkdownExporter.GitHub)
            .AddFilter(new SimpleFilter(c => parallelism((int)c.Parameters["Parallelism"])))
            .WithArtifactsPath(Path.Combine(outDirectory, "BenchmarkDotNet", name));
    }

    private static Sample Milliseconds(Summary summary, string method, int parallelism)
    {
        var report = summary.Reports.FirstOrDefault(r =>
            r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method
            && Equals(r.BenchmarkCase.Parameters["Parallelism"], parallelism));
        var values = report?.AllMeasurements
            .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Actual)
            .Select(m => m.Nanoseconds / m.Operations / 1e6)
            .ToArray();
        return values is { Length: > 0 }
            ? new Sample(values, "ms")
            : throw new BenchException($"BenchmarkDotNet produced no result for {method} at parallelism {parallelism}; see {summary.LogFilePath}");
    }
}
