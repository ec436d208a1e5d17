using BenchmarkDotNet.Attributes;
using SecretsPipeline.Benchmarks.Fixtures;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Benchmarks.Rows;

/// <summary>
/// The in-process rows for BenchmarkDotNet: resolve and `lock --update` of 500 secrets against the fake Vault (+5 ms per
/// request), at parallelism 1 (the baseline) and the default. Public and unsealed because BenchmarkDotNet requires it.
/// </summary>
public class VaultBenchmarks
{
    private VaultFixture? _fixture;

    [Params(1, Resolver.DefaultParallelism)]
    public int Parallelism { get; set; }

    [GlobalSetup]
    public void Setup() => _fixture = VaultFixture.StartAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _fixture?.DisposeAsync().AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public Task<ResolveResult> Resolve() => Fixture.ResolveAsync(Parallelism);

    [Benchmark]
    public Task<LockFile> Lock() => Fixture.LockAsync(Parallelism);

    private VaultFixture Fixture => _fixture ?? throw new InvalidOperationException("GlobalSetup did not run");
}
