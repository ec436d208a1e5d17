using SecretsPipeline.Core.Manifest;

namespace SecretsPipeline.Core.Tests;

public class ManifestDigestTests
{
    private const string Original = """
        version: 1
        stores:
          dev: { type: local }
          vault: { type: vault, address: "https://vault.example:8200" }
        environments:
          development: { store: dev }
          production: { store: vault }
        secrets:
          DB_ROOT_PW: { ref: "secret/${env}/app/db#password" }
          STRIPE_KEY: { ref: "secret/${env}/payments#stripe" }
          DB: { dynamic: "database/creds/app", ttl: 1h }

        """;

    /// <summary>The same meaning: comments, block style, other order, other quoting, other duration spelling.</summary>
    private const string Reformatted = """
        # Secrets of the app; reviewed by the platform team.
        secrets:
          DB:
            ttl: 3600          # one hour
            dynamic: database/creds/app
          STRIPE_KEY:
            ref: 'secret/${env}/payments#stripe'
          DB_ROOT_PW:   {   ref:   "secret/${env}/app/db#password"   }

        environments:
          production:
            store: vault
          development:
            store: dev
        stores:
          vault:
            address: https://vault.example:8200
            type: vault
          dev: {}
        version: 1
        """;

    /// <summary>Every kind of entry, quoting and non-ASCII text: its digest is pinned below.</summary>
    private const string Rich = """
        version: 1
        stores:
          dev: { type: local, path: ".secrets/dev.db" }
          vault: { type: vault, address: "https://vault.example:8200", namespace: "team/ä", auth: jwt, role: "deploy", audience: "vault" }
        environments:
          development: { store: dev }
          production: { store: vault }
          staging: { store: vault }
        secrets:
          DB_ROOT_PW: { ref: "secret/${env}/app/db#password", description: "root password" }
          STRIPE_KEY: { ref: "kv/${env}/payments#stripe", mount: kv }
          QUOTE: { ref: "secret/${env}/odd\"path\"/<x>&'y'#kéy" }
          DB: { dynamic: "database/creds/app-${env}", ttl: 1h30m, max_ttl: 24h }
          AWS: { dynamic: "aws/creds/deploy", fields: [access_key, secret_key, security_token] }

        """;

    private static string Compute(string yaml) => ManifestDigest.Compute(ManifestParser.Parse("secrets.yaml", yaml));

    public class TheComputeMethod
    {
        [Fact]
        public void IsASha256DigestAndStable()
        {
            var digest = Compute(Original);

            Assert.Matches("^sha256:[0-9a-f]{64}$", digest);
            Assert.Equal(digest, Compute(Original));
        }

        [Fact]
        public void IsTheDigestLocksInTheFieldCarry()
        {
            // Locks committed by earlier versions carry this value; a change to how the digest is written would make
            // every one of them stale at once. (Computed by the first, JSON-tree-based implementation.)
            Assert.Equal("sha256:7250740f31c02416a410bc323e256e137f3bc4b290508daae42ff7aa071701f8", Compute(Rich));
        }

        [Fact]
        public void IgnoresCommentsOrderWhitespaceAndQuoting()
        {
            Assert.Equal(Compute(Original), Compute(Reformatted));
        }

        [Fact]
        public void IgnoresTheFilePath()
        {
            Assert.Equal(
                ManifestDigest.Compute(ManifestParser.Parse("a/secrets.yaml", Original)),
                ManifestDigest.Compute(ManifestParser.Parse("b/other.yaml", Original)));
        }

        [Theory]
        [InlineData("a ref", "secret/${env}/payments#stripe", "secret/${env}/payments#stripe2")]
        [InlineData("a ref's mount", "\"secret/${env}/app/db#password\" }", "\"secret/${env}/app/db#password\", mount: secret }")]
        [InlineData("a role", "database/creds/app", "database/creds/app2")]
        [InlineData("a ttl", "ttl: 1h", "ttl: 2h")]
        [InlineData("a max_ttl", "ttl: 1h }", "ttl: 1h, max_ttl: 2h }")]
        [InlineData("the fields", "ttl: 1h }", "ttl: 1h, fields: [user, pass] }")]
        [InlineData("a store of an environment", "production: { store: vault }", "production: { store: dev }")]
        [InlineData("a store setting", "https://vault.example:8200", "https://vault2.example:8200")]
        [InlineData("a secret's name", "STRIPE_KEY:", "STRIPE_API_KEY:")]
        [InlineData("an added environment", "  production: { store: vault }\n", "  production: { store: vault }\n  staging: { store: vault }\n")]
        public void ChangesWhenTheMeaningChanges(string what, string from, string to)
        {
            Assert.Contains(from, Original, StringComparison.Ordinal);
            var changed = Original.Replace(from, to, StringComparison.Ordinal);

            Assert.True(Compute(Original) != Compute(changed), $"changing {what} must change the digest");
        }

        [Fact]
        public void ChangesWhenFieldsAreReordered()
        {
            // The order of fields is the order of outputs, so it is part of the meaning.
            var a = Original.Replace("ttl: 1h }", "ttl: 1h, fields: [username, password] }", StringComparison.Ordinal);
            var b = Original.Replace("ttl: 1h }", "ttl: 1h, fields: [password, username] }", StringComparison.Ordinal);

            Assert.NotEqual(Compute(a), Compute(b));
        }
    }
}
