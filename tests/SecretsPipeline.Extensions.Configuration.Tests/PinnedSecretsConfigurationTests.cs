using Microsoft.Extensions.Configuration;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Extensions.Configuration;
using SecretsPipeline.MSBuild.Tests.Support;
using SecretsPipeline.Stores.Local;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Extensions.Configuration.Tests;

public sealed class PinnedSecretsConfigurationTests
{
    private const string DynamicManifest = """
        version: 1
        stores:
          dev: { type: local }
        environments:
          development: { store: dev }
        secrets:
          API_KEY: { ref: "secret/${env}/app/api#key" }
          DB: { dynamic: database/creds/app, ttl: 2s, max_ttl: 1h }

        """;

    [Fact]
    public async Task LoadsThePinnedVersion_NotTheNewest()
    {
        using var repository = await LockedRepository.CreateAsync();
        await repository.PutAsync(new Dictionary<string, string> { ["DB_PASSWORD"] = "newer-unpinned-value" });

        using var configuration = Build(repository);

        Assert.Equal("pinned-value-1", configuration["DB_PASSWORD"]);
    }

    [Fact]
    public async Task ReportsWhatItLoaded()
    {
        using var repository = await LockedRepository.CreateAsync();

        using var configuration = Build(repository);

        var provider = Assert.IsType<PinnedSecretsConfigurationProvider>(Assert.Single(configuration.Providers));
        Assert.Equal("development", provider.Environment);
        Assert.Equal(Digest.Sha256(File.ReadAllBytes(repository.LockPath)), provider.LockDigest);
        Assert.StartsWith("local:", provider.SignedBy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyPrefix_PutsTheValuesInASection()
    {
        using var repository = await LockedRepository.CreateAsync();

        using var configuration = Build(repository, configure: o => o.KeyPrefix = "Secrets:");

        Assert.Equal("pinned-value-1", configuration.GetSection("Secrets")["DB_PASSWORD"]);
        Assert.Null(configuration["DB_PASSWORD"]);
    }

    [Fact]
    public async Task RevokedPin_FailsFastWithSpl3003_NamingTheSecretNotTheValue()
    {
        using var repository = await LockedRepository.CreateAsync();
        await RevokeAsync(repository, "DB_PASSWORD", "1");

        var error = Assert.IsType<SecretsPipelineException>(Record.Exception(() => Build(repository)), exactMatch: false);

        Assert.Equal("SPL3003", error.Code.Id);
        Assert.Contains("DB_PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pinned-value-1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockSignedByAnUntrustedKey_IsSpl2005()
    {
        using var repository = await LockedRepository.CreateAsync();
        await repository.LockAsync(signer: repository.OtherHome());

        var error = Assert.IsType<SecretsPipelineException>(Record.Exception(() => Build(repository)), exactMatch: false);

        Assert.Equal("SPL2005", error.Code.Id);
    }

    [Fact]
    public async Task StaleLock_IsSpl2006()
    {
        using var repository = await LockedRepository.CreateAsync();
        repository.WriteManifest(LockedRepository.Manifest + "  API_KEY: { ref: \"secret/${env}/api#key\" }\n");

        var error = Assert.IsType<SecretsPipelineException>(Record.Exception(() => Build(repository)), exactMatch: false);

        Assert.Equal("SPL2006", error.Code.Id);
    }

    [Fact]
    public async Task UnknownEnvironment_IsSpl9004()
    {
        using var repository = await LockedRepository.CreateAsync();

        var error = Assert.IsType<SecretsPipelineException>(Record.Exception(() => Build(repository, environment: "staging")), exactMatch: false);

        Assert.Equal("SPL9004", error.Code.Id);
    }

    [Fact]
    public void MissingManifest_FailsUnlessOptional()
    {
        using var empty = new TempDirectory("spl-msbuild-");

        var error = Assert.IsType<SecretsPipelineException>(
            Record.Exception(() => new ConfigurationBuilder().AddPinnedSecrets("development", o => o.Directory = empty.Path).Build()),
            exactMatch: false);
        Assert.Equal("SPL1015", error.Code.Id);

        var optional = new ConfigurationBuilder().AddPinnedSecrets("development", o => (o.Directory, o.Optional) = (empty.Path, true)).Build();
        Assert.Empty(optional.AsEnumerable());
    }

    [Fact]
    public async Task DynamicEntry_IssuesALease_RenewsItWhileRunning_AndRevokesItOnDispose()
    {
        using var repository = await LockedRepository.CreateAsync(DynamicManifest, new Dictionary<string, string> { ["API_KEY"] = "api-value" });
        var errors = new List<Exception>();
        var configuration = Build(repository, configure: o => o.OnLeaseError = errors.Add);
        var provider = (PinnedSecretsConfigurationProvider)Assert.Single(configuration.Providers);

        Assert.Equal("api-value", configuration["API_KEY"]);
        Assert.StartsWith("v-app-", configuration["DB_USERNAME"], StringComparison.Ordinal);
        Assert.Equal(32, configuration["DB_PASSWORD"]!.Length);
        var issued = Assert.Single(await LeasesAsync(repository));
        Assert.True(issued.Active);
        Assert.Equal(TimeSpan.FromSeconds(1), provider.Renewer!.Period);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await LeasesAsync(repository)).Single().Expires <= issued.Expires && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True((await LeasesAsync(repository)).Single().Expires > issued.Expires, "the lease was never renewed");
        configuration.Reload();
        Assert.Single(await LeasesAsync(repository));

        configuration.Dispose();

        var revoked = Assert.Single(await LeasesAsync(repository));
        Assert.NotNull(revoked.RevokedAt);
        Assert.Empty(errors);
    }

    private static ConfigurationRoot Build(LockedRepository repository, string? environment = LockedRepository.Environment, Action<PinnedSecretsOptions>? configure = null) =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddPinnedSecrets(environment, options =>
            {
                options.Directory = repository.Directory;
                options.HomePath = repository.Home.Path;
                options.Variables = _ => null;
                configure?.Invoke(options);
            })
            .Build();

    private static async Task RevokeAsync(LockedRepository repository, string secret, string version)
    {
        var manifest = ManifestParser.ParseFile(repository.ManifestPath);
        await using var stores = repository.OpenStores();
        var store = stores.Open(manifest.StoreFor(LockedRepository.Environment));
        await store.RevokeVersionAsync(manifest.Secret(secret).RefFor(LockedRepository.Environment), version, "leaked in a log", CancellationToken.None);
    }

    private static async Task<IReadOnlyList<LocalLeaseInfo>> LeasesAsync(LockedRepository repository)
    {
        var manifest = ManifestParser.ParseFile(repository.ManifestPath);
        await using var stores = repository.OpenStores();
        var store = (LocalStore)stores.Open(manifest.StoreFor(LockedRepository.Environment));
        return await store.ListLeasesAsync(CancellationToken.None);
    }
}
