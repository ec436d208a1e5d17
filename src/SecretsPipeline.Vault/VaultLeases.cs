using System.Text.Json.Nodes;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Vault.Http;
using SecretsPipeline.Vault.Kv;

namespace SecretsPipeline.Vault;

/// <summary>Dynamic secrets: issue from a role path, renew and revoke through <c>sys/leases</c>.</summary>
internal sealed class VaultLeases(VaultHttpClient client)
{
    /// <summary>
    /// Issues a lease and holds it to the pinned TTL: Vault issues with the role's default, so a differing pinned TTL is
    /// applied with an immediate renewal. If that fails the new lease is revoked, never left behind.
    /// </summary>
    public async Task<Lease> IssueAsync(string role, LeaseTerms terms, CancellationToken cancellationToken)
    {
        var lease = await IssueRawAsync(role, cancellationToken).ConfigureAwait(false);
        if (terms.Ttl is not { } ttl || !lease.Renewable || Math.Abs((lease.Expires - DateTimeOffset.UtcNow - ttl).TotalSeconds) < 2)
        {
            return lease;
        }

        try
        {
            var renewed = await RenewAsync(lease.LeaseId, ttl, cancellationToken).ConfigureAwait(false);
            return lease with { Expires = renewed.Expires };
        }
        catch
        {
            await RevokeAsync(lease.LeaseId, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private Task<Lease> IssueRawAsync(string role, CancellationToken cancellationToken) =>
        VaultAnswer.ReadAsync($"GET {role}", () => IssueRawCoreAsync(role, cancellationToken));

    private async Task<Lease> IssueRawCoreAsync(string role, CancellationToken cancellationToken)
    {
        // Issuing creates a credential: never retried, or a retry could leave an orphan lease behind.
        var response = await client.SendExpectingAsync(HttpMethod.Get, role, null, false, cancellationToken).ConfigureAwait(false);
        var body = response.Body!;
        var credentials = (body["data"] as JsonObject ?? [])
            .ToDictionary(p => p.Key, p => KvV2Client.Text(p.Value) ?? string.Empty, StringComparer.Ordinal);
        return new Lease(
            body["lease_id"]?.GetValue<string>() ?? string.Empty,
            role,
            DateTimeOffset.UtcNow.AddSeconds(body["lease_duration"]?.GetValue<long>() ?? 0),
            body["renewable"]?.GetValue<bool>() ?? false,
            credentials);
    }

    public Task<Lease> RenewAsync(string leaseId, TimeSpan? increment, CancellationToken cancellationToken) =>
        VaultAnswer.ReadAsync("PUT sys/leases/renew", () => RenewCoreAsync(leaseId, increment, cancellationToken));

    private async Task<Lease> RenewCoreAsync(string leaseId, TimeSpan? increment, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["lease_id"] = leaseId };
        if (increment is { } value)
        {
            request["increment"] = (long)value.TotalSeconds;
        }

        var response = await client.SendExpectingAsync(HttpMethod.Put, "sys/leases/renew", request, true, cancellationToken).ConfigureAwait(false);
        var body = response.Body!;
        return new Lease(
            leaseId,
            leaseId[..Math.Max(0, leaseId.LastIndexOf('/'))],
            DateTimeOffset.UtcNow.AddSeconds(body["lease_duration"]?.GetValue<long>() ?? 0),
            body["renewable"]?.GetValue<bool>() ?? false,
            new Dictionary<string, string>());
    }

    /// <summary>Synchronous revoke; an unknown lease is a success in Vault, which makes the call safe to retry.</summary>
    public Task RevokeAsync(string leaseId, CancellationToken cancellationToken) =>
        VaultAnswer.ReadAsync("PUT sys/leases/revoke", () => client.SendExpectingAsync(HttpMethod.Put, "sys/leases/revoke", new JsonObject { ["lease_id"] = leaseId, ["sync"] = true }, true, cancellationToken));
}
