using Xunit;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Every end-to-end class shares one installed tool and runs one at a time: the tests start many processes and
/// measure timings (crash safety), which parallel runs on a small machine would distort.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection : ICollectionFixture<PackedToolFixture>
{
    public const string Name = "cli";
}
