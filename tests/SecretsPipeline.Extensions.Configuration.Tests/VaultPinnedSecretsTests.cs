using Microsoft.Extensions.Configuration;
using SecretsPipeline.Extensions.Configuration;
using SecretsPipeline.MSBuild.Tests.Support;
using SecretsPipeline.Vault;
using SecretsPipeline.Vault.TestServer;

namespace SecretsPipeline.Extensions.Configuration.Tests;

/// <summary>The app against the Vault-compatible test server on loopback: pinned KV versions and renewed database leases.</summary>
public sealed class VaultPinnedSecretsTests
{
    private const string Manifest = """
        version: 1
        stores:
          prod: { type: vault }
        environments:
          production: { store: prod }
        secrets:
          DB_PASSWORD: { ref: "secret/${env}/app/db#password" }
          REPORTS: { dynamic: database/creds/reports, ttl: 2s, max_ttl: 1h }

        """;

    [Fact]
    public async Task LoadsThePinnedKvVersion_AndKeepsItsLeaseAliveUntilDisposed()
    {
        var token = $"hvs.ConfigTest{Guid.NewGuid():N}";
        await using var vault = await FakeVaultServer.StartAsync(new FakeVaultOptions { RootToken = token });
        vault.State.Database.AddRole("reports", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        var variables = new Dictionary<string, string>
        {
            ["VAULT_ADDR"] = vault.Address.ToString().TrimEnd('/'),
            ["VAULT_TOKEN"] = token,
            ["VAULT_RETRY_WAIT_MIN"] = "0.01",
            ["VAULT_RETRY_WAIT_MAX"] = "0.02",
        };
        string? Variable(string name) => variables.GetValueOrDefault(name);
        using var repository = await LockedRepository.CreateAsync(
            Manifest,
            new Dictionary<string, string> { ["DB_PASSWORD"] = "vault-pinned-v1" },
            [new VaultStoreFactory(Variable, userHome: null)]);
        vault.State.Kv("secret").Write("production/app/db", new Dictionary<string, string> { ["password"] = "vault-newer-v2" });

        // No environment argument: the host's ASPNETCORE_ENVIRONMENT picks the pins, lower-cased.
        variables["ASPNETCORE_ENVIRONMENT"] = "Production";
        var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddPinnedSecrets(configure: options => (options.Directory, options.HomePath, options.Variables) = (repository.Directory, repository.Home.Path, Variable))
            .Build();

        Assert.Equal("vault-pinned-v1", configuration["DB_PASSWORD"]);
        Assert.False(string.IsNullOrEmpty(configuration["REPORTS_USERNAME"]));
        var lease = Assert.Single(vault.State.Leases.Active);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (vault.State.Leases.Find(lease.LeaseId)!.RenewCount == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        Assert.True(vault.State.Leases.Find(lease.LeaseId)!.RenewCount > 0, "the lease was never renewed");

        configuration.Dispose();

        Assert.NotNull(vault.State.Leases.Find(lease.LeaseId)!.RevokedAt);
        Assert.Empty(vault.State.Leases.Active);
    }
}
