using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Testing;
using SecretsPipeline.Vault.Auth;
using SecretsPipeline.Vault.Tests.Support;
using static SecretsPipeline.Vault.Tests.Support.TestToken;

namespace SecretsPipeline.Vault.Tests;

public class AppRoleAuthTests
{
    private const string RoleId = "59d6d1ca-47bb-4e7e-a40b-8be3bc5a0ba8";
    private const string SecretId = "84896a0c-1347-aa90-a4f6-aca8b7558780";

    private static readonly SecretRef _app = new("secret", "app", "password");

    private static async Task<FakeVault> StartAsync()
    {
        var vault = await FakeVault.StartAsync();
        vault.State.AppRole.AddRole("deploy", RoleId, SecretId, ["deploy"]);
        vault.Kv.Write("app", new Dictionary<string, string> { ["password"] = "s3cret" });
        return vault;
    }

    public class TheGetTokenAsyncMethod
    {
        [Fact]
        public async Task LogsInWithRoleIdAndSecretIdFromVariablesAndReadsWithTheMintedToken()
        {
            await using var vault = await StartAsync();
            await using var store = vault.Store(new AppRoleAuth("approle", Variables.Of(("VAULT_ROLE_ID", RoleId), ("VAULT_SECRET_ID", SecretId))));

            var value = await store.ReadAsync(_app, "1", Ct);

            Assert.Equal("s3cret", value.Reveal());
            var requests = vault.Server.Requests.Snapshot();
            Assert.Equal(["POST /v1/auth/approle/login", "GET /v1/secret/data/app?version=1"], requests.Select(r => $"{r.Method} {r.PathAndQuery}"));
            Assert.Null(requests[0].Token);
            var minted = requests[1].Token;
            Assert.NotNull(minted);
            Assert.NotEqual(vault.RootToken, minted);
            Assert.Equal("auth/approle/login", vault.State.Tokens.Lookup(minted)?.Path);
        }

        [Fact]
        public async Task ReadsRoleIdAndSecretIdFromTheFilesNamedByTheFileVariables()
        {
            await using var vault = await StartAsync();
            using var files = new TempDirectory("spl-vault-tests-");
            var variables = Variables.Of(
                ("VAULT_ROLE_ID_FILE", files.Write("role-id", RoleId + "\n")),
                ("VAULT_SECRET_ID_FILE", files.Write("secret-id", SecretId + "\n")));
            await using var store = vault.Store(new AppRoleAuth("approle", variables));

            var value = await store.ReadAsync(_app, "1", Ct);

            Assert.Equal("s3cret", value.Reveal());
            Assert.Equal("auth/approle/login", vault.State.Tokens.Lookup(vault.Requests("/v1/secret/data/app").Single().Token!)?.Path);
        }

        [Fact]
        public async Task FailsWithSpl3102AndKeepsTheSecretIdOutOfTheMessageWhenTheSecretIdIsWrong()
        {
            await using var vault = await StartAsync();
            const string wrong = "0badc0de-dead-beef-0000-123456789abc";
            await using var store = vault.Store(new AppRoleAuth("approle", Variables.Of(("VAULT_ROLE_ID", RoleId), ("VAULT_SECRET_ID", wrong))));

            var ex = await Assert.ThrowsAnyAsync<SecretsPipelineException>(() => store.ReadAsync(_app, "1", Ct));

            Assert.Same(Codes.VaultAuth, ex.Code);
            Assert.Contains("400", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, ex.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(RoleId, ex.ToString(), StringComparison.Ordinal);
            Assert.Empty(vault.Requests("/v1/secret/"));
        }

        [Fact]
        public async Task FailsWithSpl3102WithoutARoleId()
        {
            await using var vault = await StartAsync();
            await using var store = vault.Store(new AppRoleAuth("approle", Variables.Of(("VAULT_SECRET_ID", SecretId))));

            var ex = await Assert.ThrowsAnyAsync<SecretsPipelineException>(() => store.ReadAsync(_app, "1", Ct));

            Assert.Same(Codes.VaultAuth, ex.Code);
            Assert.Contains("VAULT_ROLE_ID", ex.Message, StringComparison.Ordinal);
            Assert.Empty(vault.Server.Requests.Snapshot());
        }

        [Fact]
        public async Task LogsInOnceForManyConcurrentReads()
        {
            await using var vault = await StartAsync();
            for (var i = 0; i < 20; i++)
            {
                vault.Kv.Write($"many/{i}", new Dictionary<string, string> { ["value"] = "v" });
            }

            await using var store = vault.Store(new AppRoleAuth("approle", Variables.Of(("VAULT_ROLE_ID", RoleId), ("VAULT_SECRET_ID", SecretId))));

            await Task.WhenAll(Enumerable.Range(0, 20).Select(i => store.ReadAsync(new SecretRef("secret", $"many/{i}", "value"), "1", Ct)));

            Assert.Single(vault.Requests("/v1/auth/approle/login"));
            Assert.Single(vault.Requests("/v1/secret/data/many/").Select(r => r.Token).Distinct());
        }
    }
}
