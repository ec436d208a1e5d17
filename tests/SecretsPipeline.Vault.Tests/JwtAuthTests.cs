using System.Security.Cryptography;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Testing;
using SecretsPipeline.Vault.Auth;
using SecretsPipeline.Vault.Tests.Support;
using SecretsPipeline.Vault.TestServer;
using static SecretsPipeline.Vault.Tests.Support.TestToken;
using JwtAuth = SecretsPipeline.Vault.Auth.JwtAuth;

namespace SecretsPipeline.Vault.Tests;

public class JwtAuthTests
{
    private const string Role = "gha-deploy";

    private static readonly SecretRef _app = new("secret", "app", "password");

    /// <summary>A fake Vault whose <c>auth/jwt</c> trusts <paramref name="key"/> and has a GitHub-style role bound to one repository.</summary>
    private static async Task<FakeVault> StartAsync(ECDsa key)
    {
        var vault = await FakeVault.StartAsync();
        vault.State.Jwt.AddKey(key);
        vault.State.Jwt.BoundIssuer = Jwts.Issuer;
        vault.State.Jwt.AddRole(Role, new JwtRole
        {
            BoundAudiences = [Jwts.Audience],
            BoundClaims = new Dictionary<string, object> { ["repository"] = Jwts.Repository, ["ref"] = "refs/heads/main" },
            UserClaim = "repository",
            TokenPolicies = ["deploy"],
            TokenTtl = TimeSpan.FromMinutes(10),
        });
        vault.Kv.Write("app", new Dictionary<string, string> { ["password"] = "s3cret" });
        return vault;
    }

    private static void AssertReadWithAJwtToken(FakeVault vault)
    {
        var read = vault.Requests("/v1/secret/data/app").Last();
        Assert.Equal(200, read.Status);
        Assert.NotEqual(vault.RootToken, read.Token);
        Assert.Equal("auth/jwt/login", vault.State.Tokens.Lookup(read.Token!)?.Path);
    }

    public class TheGetTokenAsyncMethod
    {
        [Fact]
        public async Task LogsInWithTheJwtFromVaultJwtAndReadsWithTheMintedToken()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await using var vault = await StartAsync(key);
            var jwt = Jwts.Sign(key, Jwts.GitHubClaims());
            await using var store = vault.Store(new JwtAuth("jwt", Role, null, Variables.Of(("VAULT_JWT", jwt))));

            var value = await store.ReadAsync(_app, "1", Ct);

            Assert.Equal("s3cret", value.Reveal());
            Assert.Single(vault.Requests("/v1/auth/jwt/login", "POST"));
            AssertReadWithAJwtToken(vault);
        }

        [Fact]
        public async Task ReadsTheJwtFromTheFileNamedByVaultJwtFile()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await using var vault = await StartAsync(key);
            using var files = new TempDirectory("spl-vault-tests-");
            var file = files.Write("token.jwt", Jwts.Sign(key, Jwts.GitHubClaims()) + "\n");
            await using var store = vault.Store(new JwtAuth("jwt", Role, null, Variables.Of(("VAULT_JWT_FILE", file))));

            Assert.Equal("s3cret", (await store.ReadAsync(_app, "1", Ct)).Reveal());
            AssertReadWithAJwtToken(vault);
        }

        [Fact]
        public async Task FailsWithSpl3102AndKeepsTheJwtOutOfTheMessageWhenABoundClaimDoesNotMatch()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await using var vault = await StartAsync(key);
            var jwt = Jwts.Sign(key, Jwts.GitHubClaims(repository: "acme/forked"));
            await using var store = vault.Store(new JwtAuth("jwt", Role, null, Variables.Of(("VAULT_JWT", jwt))));

            var ex = await Assert.ThrowsAnyAsync<SecretsPipelineException>(() => store.ReadAsync(_app, "1", Ct));

            Assert.Same(Codes.VaultAuth, ex.Code);
            Assert.Contains("error validating claims", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(jwt, ex.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(jwt.Split('.')[2], ex.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public async Task FailsWithSpl3102WhenTheJwtIsSignedByAnUnknownKey()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await using var vault = await StartAsync(key);
            await using var store = vault.Store(new JwtAuth("jwt", Role, null, Variables.Of(("VAULT_JWT", Jwts.Sign(stranger, Jwts.GitHubClaims())))));

            var ex = await Assert.ThrowsAnyAsync<SecretsPipelineException>(() => store.ReadAsync(_app, "1", Ct));

            Assert.Same(Codes.VaultAuth, ex.Code);
            Assert.Empty(vault.Requests("/v1/secret/"));
        }

        [Fact]
        public async Task FetchesTheJwtFromTheGitHubActionsOidcEndpointForTheAudience()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await using var vault = await StartAsync(key);
            await using var github = await GitHubOidcEndpoint.StartAsync(audience => Jwts.Sign(key, Jwts.GitHubClaims(audience)));
            var variables = Variables.Of(
                ("ACTIONS_ID_TOKEN_REQUEST_URL", github.RequestUrl),
                ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", GitHubOidcEndpoint.RequestToken));
            await using var store = vault.Store(new JwtAuth("jwt", Role, Jwts.Audience, variables));

            var value = await store.ReadAsync(_app, "1", Ct);

            Assert.Equal("s3cret", value.Reveal());
            Assert.Empty(github.Refusals);
            Assert.Equal([Jwts.Audience], github.Audiences);
            AssertReadWithAJwtToken(vault);
        }

        [Fact]
        public async Task FailsWithSpl3102WhenTheOidcEndpointRefusesTheRequestToken()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await using var vault = await StartAsync(key);
            await using var github = await GitHubOidcEndpoint.StartAsync(audience => Jwts.Sign(key, Jwts.GitHubClaims(audience)));
            var variables = Variables.Of(
                ("ACTIONS_ID_TOKEN_REQUEST_URL", github.RequestUrl),
                ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "expired-request-token"));
            await using var store = vault.Store(new JwtAuth("jwt", Role, Jwts.Audience, variables));

            var ex = await Assert.ThrowsAnyAsync<SecretsPipelineException>(() => store.ReadAsync(_app, "1", Ct));

            Assert.Same(Codes.VaultAuth, ex.Code);
            Assert.Contains("401", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("expired-request-token", ex.ToString(), StringComparison.Ordinal);
            Assert.Empty(vault.Server.Requests.Snapshot());
        }

        [Fact]
        public async Task FailsWithSpl3102WhenNoJwtIsAvailable()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            await using var vault = await StartAsync(key);
            await using var store = vault.Store(new JwtAuth("jwt", Role, Jwts.Audience, Variables.None));

            var ex = await Assert.ThrowsAnyAsync<SecretsPipelineException>(() => store.ReadAsync(_app, "1", Ct));

            Assert.Same(Codes.VaultAuth, ex.Code);
            Assert.Contains("id-token: write", ex.Message, StringComparison.Ordinal);
        }
    }
}
