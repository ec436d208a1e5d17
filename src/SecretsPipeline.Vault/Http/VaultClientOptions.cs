using System.Globalization;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Vault.Http;

/// <summary>
/// Connection settings, from a manifest store entry first and then the variables the official client honours
/// (<c>VAULT_ADDR</c>, <c>VAULT_NAMESPACE</c>, <c>VAULT_CACERT</c>, ...). Defaults follow the Go client.
/// </summary>
public sealed record VaultClientOptions
{
    public Uri Address { get; init; } = new("https://127.0.0.1:8200");

    public string? Namespace { get; init; }

    public string? CaCert { get; init; }

    public string? CaPath { get; init; }

    public string? ClientCert { get; init; }

    public string? ClientKey { get; init; }

    public bool SkipVerify { get; init; }

    public string? TlsServerName { get; init; }

    public int MaxRetries { get; init; } = 2;

    public TimeSpan RetryWaitMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan RetryWaitMax { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>Per request; zero means no timeout, as in the Go client.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How many requests may be in flight at once (resolves fan out up to this).</summary>
    public int Parallelism { get; init; } = 32;

    public static VaultClientOptions FromEnvironment(IReadOnlyDictionary<string, string> settings, Func<string, string?> variable)
    {
        string? Get(string setting, string name) => settings.TryGetValue(setting, out var v) && v.Length > 0 ? v : Blank(variable(name));
        var address = Get("address", "VAULT_AGENT_ADDR") ?? Blank(variable("VAULT_ADDR")) ?? "https://127.0.0.1:8200";
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
        {
            throw Config($"Vault address '{address}' is not an http(s) URL; set `address:` in secrets.yaml or VAULT_ADDR (e.g. https://vault.example.com:8200).");
        }

        var clientCert = Blank(variable("VAULT_CLIENT_CERT"));
        var clientKey = Blank(variable("VAULT_CLIENT_KEY"));
        if ((clientCert is null) != (clientKey is null))
        {
            throw Config("VAULT_CLIENT_CERT and VAULT_CLIENT_KEY must be set together (mutual TLS needs both).");
        }

        return new VaultClientOptions
        {
            Address = uri,
            Namespace = Get("namespace", "VAULT_NAMESPACE"),
            CaCert = Get("ca_cert", "VAULT_CACERT"),
            CaPath = Blank(variable("VAULT_CAPATH")),
            ClientCert = clientCert,
            ClientKey = clientKey,
            SkipVerify = ParseBool(Get("skip_verify", "VAULT_SKIP_VERIFY"), settings.ContainsKey("skip_verify") ? "skip_verify in secrets.yaml" : "VAULT_SKIP_VERIFY"),
            TlsServerName = Blank(variable("VAULT_TLS_SERVER_NAME")),
            MaxRetries = ParseRetries(Blank(variable("VAULT_MAX_RETRIES"))),
            RetryWaitMin = ParseDuration(Blank(variable("VAULT_RETRY_WAIT_MIN")), "VAULT_RETRY_WAIT_MIN") ?? TimeSpan.FromSeconds(1),
            RetryWaitMax = ParseDuration(Blank(variable("VAULT_RETRY_WAIT_MAX")), "VAULT_RETRY_WAIT_MAX") ?? TimeSpan.FromSeconds(1.5),
            Timeout = ParseDuration(Blank(variable("VAULT_CLIENT_TIMEOUT")), "VAULT_CLIENT_TIMEOUT") ?? TimeSpan.FromSeconds(60),
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool ParseBool(string? value, string name) => value switch
    {
        null => false,
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw Config($"{name}='{value}' is not a boolean; use true or false."),
    };

    private static int ParseRetries(string? value) =>
        value is null ? 2
        : uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? (int)Math.Min(n, 100)
        : throw Config($"VAULT_MAX_RETRIES='{value}' is not a non-negative integer.");

    private static TimeSpan? ParseDuration(string? value, string name) =>
        value is null ? null
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 ? TimeSpan.FromSeconds(seconds)
        : Core.Manifest.Durations.TryParse(value, out var span) ? span
        : value.EndsWith("ms", StringComparison.Ordinal) && int.TryParse(value[..^2], CultureInfo.InvariantCulture, out var ms) ? TimeSpan.FromMilliseconds(ms)
        : throw Config($"{name}='{value}' is not a duration; write seconds (30) or a duration (30s, 2m).");

    private static SecretsPipelineException Config(string message) => new(Codes.VaultConfig, message);
}
