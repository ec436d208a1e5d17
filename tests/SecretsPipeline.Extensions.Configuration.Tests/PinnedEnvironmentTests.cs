using SecretsPipeline.Extensions.Configuration;

namespace SecretsPipeline.Extensions.Configuration.Tests;

public sealed class PinnedEnvironmentTests
{
    [Fact]
    public void TheArgument_Wins() =>
        Assert.Equal("staging", PinnedEnvironment.Choose("staging", Variables(("SECRETS_PIPELINE_ENVIRONMENT", "production"))));

    [Fact]
    public void TheToolsVariable_WinsOverTheHosts() =>
        Assert.Equal("qa", PinnedEnvironment.Choose(null, Variables(("SECRETS_PIPELINE_ENVIRONMENT", "qa"), ("ASPNETCORE_ENVIRONMENT", "Development"))));

    [Fact]
    public void AspNetCoreEnvironment_WinsOverDotnetEnvironment_AndIsLowerCased() =>
        Assert.Equal("staging", PinnedEnvironment.Choose(null, Variables(("ASPNETCORE_ENVIRONMENT", "Staging"), ("DOTNET_ENVIRONMENT", "Development"))));

    [Fact]
    public void DotnetEnvironment_IsUsedWhenAlone() =>
        Assert.Equal("development", PinnedEnvironment.Choose(null, Variables(("DOTNET_ENVIRONMENT", "Development"))));

    [Fact]
    public void Nothing_MeansTheHostsDefault_Production() =>
        Assert.Equal("production", PinnedEnvironment.Choose(null, Variables()));

    private static Func<string, string?> Variables(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;
}
