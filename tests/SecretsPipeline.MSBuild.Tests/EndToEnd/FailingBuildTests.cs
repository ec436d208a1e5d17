using System.Text;
using SecretsPipeline.Core.IO;
using Xunit.Abstractions;

namespace SecretsPipeline.MSBuild.Tests.EndToEnd;

/// <summary>Locks a build must refuse, with the code a developer can look up, and the knobs that relax that.</summary>
[Collection(PackagesCollection.Name)]
public sealed class FailingBuildTests(PackagesFixture packages, ITestOutputHelper output)
{
    private const string ApiKeyLine = "  API_KEY: { ref: \"secret/${env}/app/api#key\" }\n";

    [Fact]
    public async Task StaleLock_FailsWithSpl2006_WarnsWithTheKnob_AndSecretsLockRepairsIt()
    {
        var project = await SampleProject.CreateAsync(packages, output);
        project.WriteManifest(SampleProject.Manifest + ApiKeyLine);

        var failed = await project.DotnetAsync("build");
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains($"{project.LockPath} : error SPL2006:", failed.Output, StringComparison.Ordinal);

        var warned = await project.DotnetOkAsync("build", "--no-restore", "-p:SecretsPipelineTreatErrorsAsWarnings=true");
        Assert.Contains("warning SPL2006:", warned.Output, StringComparison.Ordinal);

        await project.CliOkAsync("api-key-value\n", "store", "put", "secret/development/app/api#key");
        await project.DotnetOkAsync("msbuild", "-t:SecretsLock", "-nologo");
        var repaired = await project.DotnetOkAsync("build", "--no-restore");
        Assert.DoesNotContain("SPL2006", repaired.Output, StringComparison.Ordinal);

        // The new lock's digest reached the assembly: a changed lock regenerates the assembly attributes.
        var metadata = AssemblyMetadata.Read(Path.Combine(project.Directory, "bin", "Debug", "net10.0", "app.dll"));
        Assert.Equal(Digest.Sha256(File.ReadAllBytes(project.LockPath)), metadata["SecretsPipeline.LockDigest"]);
    }

    [Fact]
    public async Task TamperedLock_FailsTheBuildWithSpl2004_AndSecretsVerifyReportsTheSameCodeThroughTheCli()
    {
        var project = await SampleProject.CreateAsync(packages, output);
        var text = File.ReadAllText(project.LockPath);
        Assert.Contains("\"version\": \"1\"", text, StringComparison.Ordinal);
        File.WriteAllText(project.LockPath, text.Replace("\"version\": \"1\"", "\"version\": \"2\"", StringComparison.Ordinal), new UTF8Encoding(false));

        var build = await project.DotnetAsync("build");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains($"{project.LockPath} : error SPL2004:", build.Output, StringComparison.Ordinal);

        var verify = await project.DotnetAsync("msbuild", "-t:SecretsVerify", "-nologo");
        Assert.NotEqual(0, verify.ExitCode);
        Assert.Contains($"{project.LockPath} : error SPL2004:", verify.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DesignTimeBuildsAndTheOffSwitch_DoNotCheck()
    {
        var project = await SampleProject.CreateAsync(packages, output);
        project.WriteManifest(SampleProject.Manifest + ApiKeyLine);

        var designTime = await project.DotnetOkAsync("msbuild", "-restore", "-t:Compile", "-nologo", "-p:DesignTimeBuild=true", "-p:SkipCompilerExecution=true", "-p:ProvideCommandLineArgs=true");
        Assert.DoesNotContain("SPL2006", designTime.Output, StringComparison.Ordinal);

        var skipped = await project.DotnetOkAsync("build", "--no-restore", "-p:SecretsPipelineSkip=true");
        Assert.DoesNotContain("SPL2006", skipped.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(project.Directory, "bin", "Debug", "net10.0", "secrets.lock.json")));
    }
}
