using SecretsPipeline.Extensions.Configuration;

// In the configuration namespace, like the framework's own providers, so `builder.Configuration.AddPinnedSecrets()` needs no using.
namespace Microsoft.Extensions.Configuration;

/// <summary>Adds the secrets pinned in the app's <c>secrets.lock.json</c> to configuration.</summary>
public static class PinnedSecretsConfigurationExtensions
{
    /// <summary>
    /// Reads <c>secrets.yaml</c> and <c>secrets.lock.json</c> from the app's folder, verifies the lock's signature against
    /// keys trusted outside the app (<c>SECRETS_PIPELINE_HOME</c>, <c>SECRETS_PIPELINE_TRUSTED_KEYS</c>,
    /// <c>SECRETS_PIPELINE_TRUSTED_TRANSIT_KEYS</c>), and loads exactly the pinned versions of one environment as keys
    /// named like the outputs of <c>secrets-pipeline resolve</c> (<c>DB_PASSWORD</c>, <c>DB_USERNAME</c>…). Leases of
    /// dynamic entries are renewed while the app runs and revoked when the configuration is disposed. Fails fast with a
    /// <see cref="SecretsPipeline.Core.Errors.SecretsPipelineException"/> when a pin cannot be resolved (SPL3003: revoked).
    /// </summary>
    /// <param name="builder">The configuration builder, e.g. <c>builder.Configuration</c>.</param>
    /// <param name="environment">
    /// The environment; default: <c>SECRETS_PIPELINE_ENVIRONMENT</c>, else <c>ASPNETCORE_ENVIRONMENT</c>, else
    /// <c>DOTNET_ENVIRONMENT</c>, else <c>production</c>, lower-cased.
    /// </param>
    /// <param name="configure">Changes the defaults (paths, trust, a key prefix).</param>
    /// <returns>The builder.</returns>
    public static IConfigurationBuilder AddPinnedSecrets(this IConfigurationBuilder builder, string? environment = null, Action<PinnedSecretsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new PinnedSecretsOptions();
        configure?.Invoke(options);
        return builder.Add(new PinnedSecretsConfigurationSource { Environment = environment, Options = options });
    }
}
