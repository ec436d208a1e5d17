using System.Security.Cryptography;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Vault.Auth;
using SecretsPipeline.Vault.Tests.Support;
using SecretsPipeline.Vault.TestServer;
using static SecretsPipeline.Vault.Tests.Support.TestToken;
using AppRoleAuth = SecretsPipeline.Vault.Auth.AppRoleAuth;
using JwtAuth = SecretsPipeline.Vault.Auth.JwtAuth;

namespace SecretsPipeline.Vault.Tests;

/// <summary>The promise "the token is never logged", attacked: every failure we can provoke, every text it produces.</summary>
public class TokenSecrecyTests
{
    private const string RootToken = "hvs.CAESIRootTokenThatMustNeverBePrinted0001";

    private static readonly SecretRef _app = new("secret", "app", "password");

    private static void AssertNoSecretIn(Exception? ex, params string[] secrets)
    {
        var failure = Assert.IsAssignableFrom<SecretsPipelineException>(ex);
        foreach (var text in new[] { failure.Message, failure.ToDiagnostic(), failure.ToString() })
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    public class TheExceptionMessages
    {
        [Fact]
        public async Task NeverContainAFixedToken()
        {
            await using var vault = await FakeVault.StartAsync(new FakeVaultOptions { RootToken = RootToken });
            vault.Kv.Write("app", new Dictionary<string, string> { ["password"] = "s3cret" });
            vault.State.Database.AddRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
            await using var store = vault.Store(options: vault.Options with { Timeout = TimeSpan.FromMilliseconds(200), MaxRetries = 1 });
            var failures = new List<Exception?>();

            vault.Faults.FailNext(1, 403, "/v1/secret/data/app");
            failures.Add(await Record.ExceptionAsync(() => store.ReadAsync(_app, "1", Ct)));
            vault.Faults.FailNext(5, 503, "/v1/secret/data/app");
            failures.Add(await Record.ExceptionAsync(() => store.ReadAsync(_app, "1", Ct)));
            vault.Faults.FailNext(1, 400, "/v1/secret/data/app");
            failures.Add(await Record.ExceptionAsync(() => store.ReadAsync(_app, "1", Ct)));
            vault.Faults.DelayNext(5, TimeSpan.FromSeconds(2), "/v1/secret/data/app");
            failures.Add(await Record.ExceptionAsync(() => store.ReadAsync(_app, "1", Ct)));
            vault.Faults.DropNext(1, "/v1/database/creds/app");
            failures.Add(await Record.ExceptionAsync(() => store.IssueLeaseAsync("database/creds/app", new LeaseTerms(null, null), Ct)));
            failures.Add(await Record.ExceptionAsync(() => store.WriteAsync(_app, "new", "7", Ct)));
            failures.Add(await Record.ExceptionAsync(() => store.ReadAsync(_app, "9", Ct)));

            Assert.Equal(7, failures.Count(f => f is not null));
            Assert.All(failures, f => AssertNoSecretIn(f, RootToken));
        }

        [Fact]
        public async Task NeverContainAnUnreachableVaultsToken()
        {
            var options = new Http.VaultClientOptions { Address = new Uri("http://127.0.0.1:9/"), MaxRetries = 1, RetryWaitMin = TimeSpan.FromMilliseconds(1), RetryWaitMax = TimeSpan.FromMilliseconds(2) };
            await using var store = new VaultStore(new Http.VaultHttpClient(options, new TokenAuth(RootToken)), null);

            var ex = await Record.ExceptionAsync(() => store.ReadAsync(_app, "1", Ct));

            AssertNoSecretIn(ex, RootToken);
            Assert.Same(Codes.VaultUnreachable, ((SecretsPipelineException)ex!).Code);
        }

        [Fact]
        public async Task NeverContainALoginMintedTokenOrTheCredentialsBehindIt()
        {
            await using var vault = await FakeVault.StartAsync(new FakeVaultOptions { RootToken = RootToken });
            vault.State.AppRole.AddRole("deploy", "role-id-1234", "secret-id-5678");
            vault.Kv.Write("app", new Dictionary<string, string> { ["password"] = "s3cret" });
            await using var store = vault.Store(new AppRoleAuth("approle", Variables.Of(("VAULT_ROLE_ID", "role-id-1234"), ("VAULT_SECRET_ID", "secret-id-5678"))));
            await store.ReadAsync(_app, "1", Ct);
            var minted = vault.Requests("/v1/secret/data/app").Single().Token!;

            vault.Faults.FailNext(10, 403, "/v1/secret/data/app");
            var denied = await Record.ExceptionAsync(() => store.ReadAsync(_app, "2", Ct));
            vault.Faults.FailNext(10, 503, "/v1/secret/data/app");
            var sealedVault = await Record.ExceptionAsync(() => store.ReadAsync(_app, "3", Ct));

            var newMinted = vault.Requests("/v1/secret/data/app?version=2").Last().Token!;
            AssertNoSecretIn(denied, minted, newMinted, "secret-id-5678");
            AssertNoSecretIn(sealedVault, minted, newMinted, "secret-id-5678");
        }

        [Fact]
        public async Task NeverContainTheJwt()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await using var vault = await FakeVault.StartAsync();
            vault.State.Jwt.AddKey(key);
            vault.State.Jwt.AddRole("deploy", new JwtRole { BoundAudiences = ["https://github.com/other-org"], UserClaim = "repository" });
            var jwt = Jwts.Sign(key, Jwts.GitHubClaims());
            await using var store = vault.Store(new JwtAuth("jwt", "deploy", null, Variables.Of(("VAULT_JWT", jwt))));

            var ex = await Record.ExceptionAsync(() => store.ReadAsync(_app, "1", Ct));

            Assert.Same(Codes.VaultAuth, ((SecretsPipelineException)ex!).Code);
            AssertNoSecretIn(ex, jwt, jwt.Split('.')[1], jwt.Split('.')[2]);
        }
    }
}
