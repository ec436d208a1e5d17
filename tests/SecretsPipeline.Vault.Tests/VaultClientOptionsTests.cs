using SecretsPipeline.Core.Errors;
using SecretsPipeline.Vault.Http;
using SecretsPipeline.Vault.Tests.Support;

namespace SecretsPipeline.Vault.Tests;

public class VaultClientOptionsTests
{
    private static readonly Dictionary<string, string> _noSettings = [];

    private static SecretsPipelineException Refused(Func<string, string?> variables, Dictionary<string, string>? settings = null)
    {
        var ex = Assert.Throws<SecretsPipelineException>(() => VaultClientOptions.FromEnvironment(settings ?? _noSettings, variables));
        Assert.Same(Codes.VaultConfig, ex.Code);
        return ex;
    }

    public class TheFromEnvironmentMethod
    {
        [Fact]
        public void FollowsTheGoClientsDefaultsWhenNothingIsSet()
        {
            var options = VaultClientOptions.FromEnvironment(_noSettings, Variables.None);

            Assert.Equal(new Uri("https://127.0.0.1:8200"), options.Address);
            Assert.Equal(2, options.MaxRetries);
            Assert.Equal(TimeSpan.FromSeconds(60), options.Timeout);
            Assert.Equal(TimeSpan.FromSeconds(1), options.RetryWaitMin);
            Assert.Equal(TimeSpan.FromSeconds(1.5), options.RetryWaitMax);
            Assert.Null(options.Namespace);
            Assert.False(options.SkipVerify);
        }

        [Fact]
        public void TakesEveryVariableTheOfficialClientHonours()
        {
            var options = VaultClientOptions.FromEnvironment(_noSettings, Variables.Of(
                ("VAULT_ADDR", "https://vault.example.com:8200"),
                ("VAULT_NAMESPACE", "team-a"),
                ("VAULT_CACERT", "/etc/ssl/vault-ca.pem"),
                ("VAULT_CAPATH", "/etc/ssl/vault"),
                ("VAULT_CLIENT_CERT", "/etc/ssl/client.pem"),
                ("VAULT_CLIENT_KEY", "/etc/ssl/client-key.pem"),
                ("VAULT_SKIP_VERIFY", "true"),
                ("VAULT_TLS_SERVER_NAME", "vault.internal"),
                ("VAULT_MAX_RETRIES", "5"),
                ("VAULT_CLIENT_TIMEOUT", "45")));

            Assert.Equal(new Uri("https://vault.example.com:8200"), options.Address);
            Assert.Equal("team-a", options.Namespace);
            Assert.Equal("/etc/ssl/vault-ca.pem", options.CaCert);
            Assert.Equal("/etc/ssl/vault", options.CaPath);
            Assert.Equal("/etc/ssl/client.pem", options.ClientCert);
            Assert.Equal("/etc/ssl/client-key.pem", options.ClientKey);
            Assert.True(options.SkipVerify);
            Assert.Equal("vault.internal", options.TlsServerName);
            Assert.Equal(5, options.MaxRetries);
            Assert.Equal(TimeSpan.FromSeconds(45), options.Timeout);
        }

        [Fact]
        public void LetsTheManifestSettingsWinOverTheVariables()
        {
            var settings = new Dictionary<string, string>
            {
                ["address"] = "https://manifest.example.com:8200",
                ["namespace"] = "from-manifest",
                ["ca_cert"] = "/manifest/ca.pem",
                ["skip_verify"] = "false",
            };

            var options = VaultClientOptions.FromEnvironment(settings, Variables.Of(
                ("VAULT_AGENT_ADDR", "http://127.0.0.1:8100"),
                ("VAULT_ADDR", "https://variable.example.com:8200"),
                ("VAULT_NAMESPACE", "from-variable"),
                ("VAULT_CACERT", "/variable/ca.pem"),
                ("VAULT_SKIP_VERIFY", "true")));

            Assert.Equal(new Uri("https://manifest.example.com:8200"), options.Address);
            Assert.Equal("from-manifest", options.Namespace);
            Assert.Equal("/manifest/ca.pem", options.CaCert);
            Assert.False(options.SkipVerify);
        }

        [Fact]
        public void PrefersVaultAgentAddrOverVaultAddr()
        {
            var options = VaultClientOptions.FromEnvironment(_noSettings, Variables.Of(
                ("VAULT_ADDR", "https://vault.example.com:8200"),
                ("VAULT_AGENT_ADDR", "http://127.0.0.1:8100")));

            Assert.Equal(new Uri("http://127.0.0.1:8100"), options.Address);
        }

        [Theory]
        [InlineData("VAULT_SKIP_VERIFY", "yes")]
        [InlineData("VAULT_SKIP_VERIFY", "2")]
        [InlineData("VAULT_MAX_RETRIES", "-1")]
        [InlineData("VAULT_MAX_RETRIES", "three")]
        [InlineData("VAULT_CLIENT_TIMEOUT", "soon")]
        [InlineData("VAULT_CLIENT_TIMEOUT", "-5")]
        public void RefusesABadValueWithSpl3101NamingTheVariable(string name, string value)
        {
            var ex = Refused(Variables.Of((name, value)));

            Assert.Contains(name, ex.Message, StringComparison.Ordinal);
            Assert.Contains(value, ex.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("VAULT_CLIENT_CERT", "/etc/ssl/client.pem")]
        [InlineData("VAULT_CLIENT_KEY", "/etc/ssl/client-key.pem")]
        public void RefusesOneHalfOfTheClientCertificatePairWithSpl3101(string name, string value)
        {
            var ex = Refused(Variables.Of((name, value)));

            Assert.Contains("VAULT_CLIENT_CERT", ex.Message, StringComparison.Ordinal);
            Assert.Contains("VAULT_CLIENT_KEY", ex.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("ftp://vault.example.com")]
        [InlineData("vault.example.com:8200")]
        public void RefusesAnAddressThatIsNotAnHttpUrlWithSpl3101(string address) =>
            Assert.Contains(address, Refused(Variables.Of(("VAULT_ADDR", address))).Message, StringComparison.Ordinal);

        [Theory]
        [InlineData("30", 30)]
        [InlineData("2m", 120)]
        [InlineData("1m30s", 90)]
        [InlineData("1.5", 1.5)]
        public void ParsesTheClientTimeoutAsSecondsOrADuration(string value, double seconds)
        {
            var options = VaultClientOptions.FromEnvironment(_noSettings, Variables.Of(("VAULT_CLIENT_TIMEOUT", value)));

            Assert.Equal(TimeSpan.FromSeconds(seconds), options.Timeout);
        }

        [Fact]
        public void LetsZeroMaxRetriesTurnRetriesOff() =>
            Assert.Equal(0, VaultClientOptions.FromEnvironment(_noSettings, Variables.Of(("VAULT_MAX_RETRIES", "0"))).MaxRetries);
    }
}
