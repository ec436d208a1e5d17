using SecretsPipeline.Benchmarks.Fixtures;

namespace SecretsPipeline.Benchmarks.Rows;

/// <summary>What every row works with: the repository, where results go, the built CLI and the run's scratch folder.</summary>
internal sealed record BenchContext(string RepositoryRoot, string OutDirectory, CliUnderTest Cli, Scratch Scratch);
