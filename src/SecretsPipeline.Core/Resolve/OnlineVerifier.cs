using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Core.Resolve;

/// <summary>
/// Rollback readiness (<c>verify --online</c>): every static pin still readable with its pinned creation time, and
/// warnings (SPL3013) where store retention will remove a pinned version. Reads versions, never values.
/// </summary>
public static class OnlineVerifier
{
    /// <returns>Every finding; those whose code exits 0 are warnings.</returns>
    public static async Task<IReadOnlyList<SecretsPipelineException>> CheckAsync(
        StoreRegistry stores, SecretsManifest manifest, LockFile lockFile, IEnumerable<string> environments, CancellationToken cancellationToken)
    {
        var findings = new List<SecretsPipelineException>();
        foreach (var environment in environments)
        {
            var store = stores.Open(manifest.StoreFor(environment));
            foreach (var secret in manifest.Secrets.Where(s => !s.IsDynamic))
            {
                var secretRef = secret.RefFor(environment);
                var pin = lockFile.Environments[environment].Secrets[secret.Name];
                var versions = await store.ListVersionsAsync(secretRef, cancellationToken).ConfigureAwait(false);
                var pinned = versions.FirstOrDefault(v => v.Version == pin.Version);
                var where = $"secret '{secret.Name}' (environment '{environment}') version {pin.Version}";
                if (pinned is null || !pinned.IsReadable)
                {
                    var state = pinned?.State ?? VersionState.Missing;
                    var newest = versions.LastOrDefault(v => v.IsReadable)?.Version ?? "none";
                    findings.Add(new SecretsPipelineException(
                        VersionUnavailableException.CodeFor(state),
                        $"{where} {VersionUnavailableException.Describe(state)}; the newest good version is {newest}. Run `secrets-pipeline lock --update {secret.Name} --env {environment}`.",
                        secret.Location));
                    continue;
                }

                if (pin.Created is { } created && pinned.Created != created)
                {
                    findings.Add(new SecretsPipelineException(Codes.VersionReplaced, $"{where} has a different creation time than pinned: the key was deleted and written again.", secret.Location));
                }

                if (store is IVersionRetention retention)
                {
                    var outlook = await retention.OutlookAsync(secretRef, pin.Version!, cancellationToken).ConfigureAwait(false);
                    findings.AddRange(RetentionWarnings.For(secret.Name, environment, pin.Version!, outlook, DateTimeOffset.UtcNow)
                        .Select(warning => new SecretsPipelineException(Codes.RetentionWarning, warning, secret.Location)));
                }
            }
        }

        return findings;
    }
}
