using System.Security.Cryptography;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Vault.Auth;
using SecretsPipeline.Vault.Tests.Support;
using SecretsPipeline.Vault.TestServer;
using static SecretsPipeline.Vault.Tests.Support.TestToken;
using AppRoleAuth = SecretsPipeline.Vault.Auth.AppRoleAuth;
using JwtAuth = SecretsPipeline.Vault.Auth.JwtAuth;

namespace SecretsPipeline.Vault.Tests;

/// <summary>A token used long after login has usually expired: a 403 earns exactly one fresh login, never a loop.</summary>
public class ReauthenticationTests
{
    private const string RoleId = "role-7f3c";
    private const string SecretId = "secret-0b1d";

    public enum Method
    {
        AppRole,
        Jwt,
    }

    private sealed class Setup : IAsyncDisposable
    {
        private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        private Setup(FakeVault vault, Method method)
        {
            Vault = vault;
            vault.State.AppRole.AddRole("deploy", RoleId, SecretId);
            vault.State.Jwt.AddKey(_key);
            vault.State.Jwt.AddRole("deploy", new JwtRole { BoundAudiences = [Jwts.Audience], UserClaim = "repository" });
            foreach (var path in new[] { "first", "second", "third" })
            {
                vault.Kv.Write(path, new Dictionary<string, string> { ["value"] = path });
            }

            IVaultAuth auth = method == Method.AppRole
                ? new AppRoleAuth("approle", Variables.Of(("VAULT_ROLE_ID", RoleId), ("VAULT_SECRET_ID", SecretId)))
                : new JwtAuth("jwt", "deploy", null, Variables.Of(("VAULT_JWT", Jwts.Sign(_key, Jwts.GitHubClaims()))));
            LoginPath = method == Method.AppRole ? "/v1/auth/approle/login" : "/v1/auth/jwt/login";
            Store = vault.Store(auth);
        }

        public FakeVault Vault { get; }

        public VaultStore Store { get; }

        public string LoginPath { get; }

        public int Logins => Vault.Requests(LoginPath).Count;

        public static async Task<Setup> StartAsync(Method method) => new(await FakeVault.StartAsync(), method);

        public Task<Core.Stores.SecretValue> ReadAsync(string path) => Store.ReadAsync(new SecretRef("secret", path, "value"), "1", Ct);

        /// <summary>Reads once to log in, then expires that token the way Vault does months later.</summary>
        public async Task<string> LogInAndExpireAsync()
        {
            await ReadAsync("first");
            var token = Vault.Requests("/v1/secret/data/first").Single().Token!;
            Vault.State.Tokens.Revoke(token);
            return token;
        }

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync();
            await Vault.DisposeAsync();
            _key.Dispose();
        }
    }

    public class TheSendAsyncMethod
    {
        [Theory]
        [InlineData(Method.AppRole)]
        [InlineData(Method.Jwt)]
        public async Task LogsInAgainOnceWhenTheTokenExpiredAndRetriesTheRead(Method method)
        {
            await using var setup = await Setup.StartAsync(method);
            var expired = await setup.LogInAndExpireAsync();

            var value = await setup.ReadAsync("second");

            Assert.Equal("second", value.Reveal());
            Assert.Equal(2, setup.Logins);
            var attempts = setup.Vault.Requests("/v1/secret/data/second");
            Assert.Equal([403, 200], attempts.Select(r => r.Status));
            Assert.Equal(expired, attempts[0].Token);
            Assert.NotEqual(expired, attempts[1].Token);
            Assert.True(setup.Vault.State.Tokens.IsValid(attempts[1].Token!));
        }

        [Theory]
        [InlineData(Method.AppRole)]
        [InlineData(Method.Jwt)]
        public async Task ReportsSpl3103AfterOneFreshLoginWhenVaultStillDenies(Method method)
        {
            await using var setup = await Setup.StartAsync(method);
            await setup.ReadAsync("first");
            setup.Vault.Faults.FailNext(10, 403, "/v1/secret/data/second");

            var ex = await Assert.ThrowsAnyAsync<SecretsPipelineException>(() => setup.ReadAsync("second"));

            Assert.Same(Codes.VaultDenied, ex.Code);
            Assert.Equal(2, setup.Logins);
            Assert.Equal(2, setup.Vault.Requests("/v1/secret/data/second").Count);
        }

        [Fact]
        public async Task DoesNotLogInAgainWithAFixedToken()
        {
            await using var vault = await FakeVault.StartAsync();
            var token = vault.State.Tokens.Create(TimeSpan.FromHours(1));
            vault.Kv.Write("app", new Dictionary<string, string> { ["value"] = "v" });
            await using var store = vault.Store(new TokenAuth(token));
            vault.State.Tokens.Revoke(token);

            var ex = await Assert.ThrowsAnyAsync<SecretsPipelineException>(() => store.ReadAsync(new SecretRef("secret", "app", "value"), "1", Ct));

            Assert.Same(Codes.VaultDenied, ex.Code);
            Assert.Single(vault.Server.Requests.Snapshot());
        }

        [Theory]
        [InlineData(Method.AppRole)]
        [InlineData(Method.Jwt)]
        public async Task SharesTheFreshLoginWithARequestWhose403ArrivesLater(Method method)
        {
            await using var setup = await Setup.StartAsync(method);
            await setup.LogInAndExpireAsync();
            // Both reads go out with the expired token; "second" is denied first and logs in again, "third" is denied later.
            // Holding "second" too keeps both on the wire before the first denial, even on a loaded machine.
            setup.Vault.Faults.DelayNext(1, TimeSpan.FromMilliseconds(400), "/v1/secret/data/second");
            setup.Vault.Faults.DelayNext(1, TimeSpan.FromMilliseconds(1200), "/v1/secret/data/third");
            var values = await Task.WhenAll(setup.ReadAsync("second"), setup.ReadAsync("third"));

            Assert.Equal(["second", "third"], values.Select(v => v.Reveal()));
            Assert.Equal([403, 200], setup.Vault.Requests("/v1/secret/data/third").Select(r => r.Status));
            Assert.Equal(2, setup.Logins);
        }
    }
}
