using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using Xunit;

namespace SecretsPipeline.Reliability.Harness;

/// <summary>
/// The attacks that run the installed tool as processes: one installed tool, one attack at a time (they start many
/// processes and kill some; in parallel on a small machine they would starve each other).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection : ICollectionFixture<PackedToolFixture>
{
    public const string Name = "reliability processes";
}
