using System.Collections.Concurrent;
using System.Net;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Vault.Http;

namespace SecretsPipeline.Vault;

/// <summary>
/// Finds the mount of a path as the Vault CLI does, with <c>sys/internal/ui/mounts/&lt;path&gt;</c>, and checks it is
/// KV version 2. Answers are cached by path for the life of the store.
/// </summary>
internal sealed class MountDetector(VaultHttpClient client)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _byPath = new(StringComparer.Ordinal);

    public Task<string> MountOfAsync(string fullPath, CancellationToken cancellationToken) =>
        _byPath.GetOrAdd(fullPath, path => new Lazy<Task<string>>(() => VaultAnswer.ReadAsync($"GET sys/internal/ui/mounts/{path}", () => DetectAsync(path, cancellationToken)))).Value;

    private async Task<string> DetectAsync(string fullPath, CancellationToken cancellationToken)
    {
        var url = $"sys/internal/ui/mounts/{fullPath}";
        var response = await client.SendAsync(HttpMethod.Get, url, null, retrySafe: true, cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.NotFound)
        {
            throw new SecretsPipelineException(Codes.VaultConfig, $"Vault cannot report the mount of '{fullPath}' (an old server?); set `mount:` on the secret or drop `detect_mount`.");
        }

        if (!response.IsSuccess)
        {
            throw client.Failure(HttpMethod.Get, url, response);
        }

        var mount = response.Data?["path"]?.GetValue<string>()?.Trim('/') ?? string.Empty;
        var version = response.Data?["options"]?["version"]?.GetValue<string>();
        if (mount.Length == 0 || !fullPath.StartsWith(mount + "/", StringComparison.Ordinal))
        {
            throw new SecretsPipelineException(Codes.VaultConfig, $"Vault reports mount '{mount}' for '{fullPath}', which does not contain it.");
        }

        return version == "2"
            ? mount
            : throw new SecretsPipelineException(Codes.VaultConfig, $"'{mount}' is a KV version {version ?? "1"} mount; SecretsPipeline pins KV version 2 versions (enable versioning with `vault kv enable-versioning {mount}`).");
    }
}
