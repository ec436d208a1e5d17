using Xunit.Abstractions;

namespace SecretsPipeline.MSBuild.Tests.EndToEnd;

/// <summary><c>dotnet msbuild -t:SecretsResolve</c> runs the packaged CLI and writes the pinned values.</summary>
[Collection(PackagesCollection.Name)]
public sealed class UserTargetTests(PackagesFixture packages, ITestOutputHelper output)
{
    [Fact]
    public async Task SecretsResolve_WritesThePinnedValuesOfTheEnvironment()
    {
        var project = await SampleProject.CreateAsync(packages, output);

        var missing = await project.DotnetAsync("msbuild", "-restore", "-t:SecretsResolve", "-nologo");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("error SPL9001:", missing.Output, StringComparison.Ordinal);

        var resolved = await project.DotnetOkAsync("msbuild", "-t:SecretsResolve", "-nologo", "-p:SecretsPipelineEnvironment=development");
        var file = Path.Combine(project.Directory, "obj", "Debug", "net10.0", "secrets.development.env");
        Assert.Contains(file, resolved.Output, StringComparison.Ordinal);
        var line = Assert.Single(File.ReadAllLines(file));
        Assert.StartsWith("DB_PASSWORD=", line, StringComparison.Ordinal);
        Assert.Equal(SampleProject.Sha256(SampleProject.SecretValue), SampleProject.Sha256(line["DB_PASSWORD=".Length..].Trim('"')));
        Assert.DoesNotContain(SampleProject.SecretValue, resolved.Output, StringComparison.Ordinal);
    }
}
