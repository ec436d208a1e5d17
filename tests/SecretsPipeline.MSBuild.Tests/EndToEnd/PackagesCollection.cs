namespace SecretsPipeline.MSBuild.Tests.EndToEnd;

/// <summary>
/// The end-to-end classes share one packing and run one at a time: each starts several real builds, which on a
/// two-core machine only slow each other down, and they set environment variables for their children.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackagesCollection : ICollectionFixture<PackagesFixture>
{
    public const string Name = "msbuild-packages";
}
