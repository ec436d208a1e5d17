using SecretsPipeline.Core.IO;
using Xunit.Abstractions;

namespace SecretsPipeline.MSBuild.Tests.EndToEnd;

/// <summary>The good path: a build checks the lock once, embeds its digest, and the published app resolves its own pins.</summary>
[Collection(PackagesCollection.Name)]
public sealed class BuildTests(PackagesFixture packages, ITestOutputHelper output)
{
    private const string CheckedMessage = "SecretsPipeline: checked";
    private const string SkippedMessage = "Skipping target \"_SecretsPipelineCheckLock\"";

    [Fact]
    public async Task GoodLock_Builds_NoOpRebuildDoesNotCheckAgain_PublishedAppReadsItsPinnedSecret()
    {
        output.WriteLine($"packed {PackagesFixture.PackagedProjects.Length} packages in {packages.PackTime.TotalSeconds:0.0}s");
        var project = await SampleProject.CreateAsync(packages, output);
        var lockDigest = Digest.Sha256(File.ReadAllBytes(project.LockPath));

        var first = await project.DotnetOkAsync("build", "-v:n");
        Assert.Contains(CheckedMessage, first.Output, StringComparison.Ordinal);
        var bin = Path.Combine(project.Directory, "bin", "Debug", "net10.0");
        Assert.Equal(File.ReadAllBytes(project.LockPath), File.ReadAllBytes(Path.Combine(bin, "secrets.lock.json")));
        var metadata = AssemblyMetadata.Read(Path.Combine(bin, "app.dll"));
        Assert.Equal(lockDigest, metadata["SecretsPipeline.LockDigest"]);
        Assert.Equal("development", metadata["SecretsPipeline.Environments"]);

        var second = await project.DotnetOkAsync("build", "-v:n", "--no-restore");
        Assert.DoesNotContain(CheckedMessage, second.Output, StringComparison.Ordinal);
        Assert.Contains(SkippedMessage, second.Output, StringComparison.Ordinal);

        var publish = Path.Combine(project.Directory, "publish");
        await project.DotnetOkAsync("publish", "-c", "Release", "-o", publish);
        Assert.Equal(File.ReadAllBytes(project.LockPath), File.ReadAllBytes(Path.Combine(publish, "secrets.lock.json")));
        Assert.True(File.Exists(Path.Combine(publish, "secrets.yaml")));

        // Started from the publish folder, as a deployment would: the lock beside it decides what it loads.
        var run = await project.DotnetOkAsync(Path.Combine(publish, "app.dll"), project.Directory);
        Assert.Contains($"DB_PASSWORD sha256={SampleProject.Sha256(SampleProject.SecretValue)}", run.StdOut, StringComparison.Ordinal);
        Assert.Contains($"SecretsPipeline.LockDigest={lockDigest}", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("SecretsPipeline.Environments=development", run.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(SampleProject.SecretValue, run.Output, StringComparison.Ordinal);
    }
}
