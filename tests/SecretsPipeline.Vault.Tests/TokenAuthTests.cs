using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Testing;
using SecretsPipeline.Vault.Auth;
using SecretsPipeline.Vault.Tests.Support;
using static SecretsPipeline.Vault.Tests.Support.TestToken;

namespace SecretsPipeline.Vault.Tests;

public class TokenAuthTests
{
    private static async Task<string> TokenOfAsync(TokenAuth auth) => await auth.GetTokenAsync(null!, stale: null, Ct);

    public class TheFromEnvironmentMethod
    {
        [Fact]
        public async Task UsesVaultToken()
        {
            using var home = new TempDirectory("spl-vault-tests-");

            var auth = TokenAuth.FromEnvironment(Variables.Of(("VAULT_TOKEN", "hvs.from-variable")), home.Path);

            Assert.Equal("hvs.from-variable", await TokenOfAsync(auth));
            Assert.False(auth.CanLogIn);
        }

        [Fact]
        public async Task FallsBackToTheVaultTokenFileInTheHomeFolderWithoutItsNewline()
        {
            using var home = new TempDirectory("spl-vault-tests-");
            home.Write(".vault-token", "hvs.from-file\n");

            var auth = TokenAuth.FromEnvironment(Variables.None, home.Path);

            Assert.Equal("hvs.from-file", await TokenOfAsync(auth));
        }

        [Fact]
        public async Task PrefersVaultTokenOverTheFile()
        {
            using var home = new TempDirectory("spl-vault-tests-");
            home.Write(".vault-token", "hvs.from-file\n");

            var auth = TokenAuth.FromEnvironment(Variables.Of(("VAULT_TOKEN", "hvs.from-variable")), home.Path);

            Assert.Equal("hvs.from-variable", await TokenOfAsync(auth));
        }

        [Fact]
        public void FailsWithSpl3102WhenThereIsNoToken()
        {
            using var home = new TempDirectory("spl-vault-tests-");

            var ex = Assert.Throws<SecretsPipelineException>(() => TokenAuth.FromEnvironment(Variables.None, home.Path));

            Assert.Same(Codes.VaultAuth, ex.Code);
            Assert.Contains("VAULT_TOKEN", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void FailsWithSpl3102WhenTheTokenFileHoldsOnlyWhitespace()
        {
            using var home = new TempDirectory("spl-vault-tests-");
            home.Write(".vault-token", " \n");

            var ex = Assert.Throws<SecretsPipelineException>(() => TokenAuth.FromEnvironment(Variables.Of(("VAULT_TOKEN", "")), home.Path));

            Assert.Same(Codes.VaultAuth, ex.Code);
        }

        [Fact]
        public void FailsWithSpl3102WithoutAHomeFolderOrVariable()
        {
            var ex = Assert.Throws<SecretsPipelineException>(() => TokenAuth.FromEnvironment(Variables.None, null));

            Assert.Same(Codes.VaultAuth, ex.Code);
        }

        [Fact]
        public async Task SendsTheTokenFromTheFileToVault()
        {
            await using var vault = await FakeVault.StartAsync();
            var token = vault.State.Tokens.Create(TimeSpan.FromHours(1));
            vault.Kv.Write("app", new Dictionary<string, string> { ["password"] = "s3cret" });
            using var home = new TempDirectory("spl-vault-tests-");
            home.Write(".vault-token", token + "\n");
            await using var store = vault.Store(TokenAuth.FromEnvironment(Variables.None, home.Path));

            var value = await store.ReadAsync(new SecretRef("secret", "app", "password"), "1", Ct);

            Assert.Equal("s3cret", value.Reveal());
            Assert.Equal(token, Assert.Single(vault.Server.Requests.Snapshot()).Token);
        }
    }
}
