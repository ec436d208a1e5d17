using Xunit;

namespace SecretsPipeline.Reliability.Harness;

/// <summary>The attacks on library promises, run in this process; one at a time, so each has both cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class InProcessCollection
{
    public const string Name = "reliability in process";
}
