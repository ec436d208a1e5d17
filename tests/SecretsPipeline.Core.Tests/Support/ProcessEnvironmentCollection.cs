namespace SecretsPipeline.Core.Tests.Support;

/// <summary>Tests that change the process's environment variables (PATH, GIT_*): run alone, after the parallel ones.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}
