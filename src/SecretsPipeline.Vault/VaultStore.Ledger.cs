using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Audit;
using SecretsPipeline.Core.Deployments;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Vault.Http;
using SecretsPipeline.Vault.Kv;

namespace SecretsPipeline.Vault;

/// <summary>
/// The deployment ledger and the audit trail, kept in Vault itself as KV v2 documents under
/// <c>&lt;ledger_mount&gt;/&lt;ledger_path&gt;/</c> (default <c>secret/secrets-pipeline/</c>): not in git, not on the runner.
/// Audit records are written with <c>cas: 0</c> at their sequence number, so two writers cannot both take one.
/// </summary>
public sealed partial class VaultStore : IDeploymentLedger, IAuditTrail
{
    // Dozens of replicas saving one deployment record at once each win within this many jittered rounds (measured with
    // 25 by the reliability suite's load row); more would mean something keeps rewriting the record.
    private const int MaxLedgerAttempts = 40;

    private KvV2Client LedgerKv => new(_client, _ledgerMount);

    public async Task<DeploymentRecord?> GetDeploymentAsync(string deploymentId, CancellationToken cancellationToken)
    {
        foreach (var environment in await ListLedgerKeysAsync("deployments", cancellationToken).ConfigureAwait(false))
        {
            var read = await LedgerKv.ReadAsync(DeploymentPath(environment.TrimEnd('/'), deploymentId), null, cancellationToken).ConfigureAwait(false);
            if (read.Outcome == KvReadOutcome.Found)
            {
                return DeploymentJson.FromJson(JsonNode.Parse(read.Data!["record"]!)!);
            }
        }

        return null;
    }

    /// <summary>
    /// Merges the record over the stored one (<see cref="DeploymentRecord.MergedOver"/>) and writes it with check-and-set
    /// against the version read; when another writer got in between, reads and merges again, so replicas resolving one
    /// deployment at once never drop each other's leases.
    /// </summary>
    public async Task SaveDeploymentAsync(DeploymentRecord record, CancellationToken cancellationToken)
    {
        var path = DeploymentPath(record.Environment, record.Id);
        for (var attempt = 1; ; attempt++)
        {
            var current = await LedgerKv.ReadAsync(path, null, cancellationToken).ConfigureAwait(false);
            var stored = current.Outcome == KvReadOutcome.Found ? DeploymentJson.FromJson(JsonNode.Parse(current.Data!["record"]!)!) : null;
            var document = new Dictionary<string, string?> { ["record"] = DeploymentJson.ToJson(record.MergedOver(stored)).ToJsonString() };
            try
            {
                await LedgerKv.WriteAsync(path, document, current.Version?.Version ?? 0, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SecretsPipelineException ex) when (ex.Code == Codes.CheckAndSetMismatch && attempt < MaxLedgerAttempts)
            {
                // Full jitter, growing to at most a quarter second, so the writers that lost spread out instead of colliding again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, Math.Min(250, 10 << Math.Min(attempt, 5)))), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlyList<DeploymentRecord>> ListDeploymentsAsync(string environment, CancellationToken cancellationToken)
    {
        var records = new List<DeploymentRecord>();
        foreach (var key in await ListLedgerKeysAsync($"deployments/{Escape(environment)}", cancellationToken).ConfigureAwait(false))
        {
            var read = await LedgerKv.ReadAsync($"{_ledgerPath}/deployments/{Escape(environment)}/{key}", null, cancellationToken).ConfigureAwait(false);
            if (read.Outcome == KvReadOutcome.Found)
            {
                records.Add(DeploymentJson.FromJson(JsonNode.Parse(read.Data!["record"]!)!));
            }
        }

        return records.OrderBy(r => r.Created).ToArray();
    }

    public async Task<AuditRecord?> LastAsync(CancellationToken cancellationToken)
    {
        // Probe forward from the head hint: a writer may have died between its record and the head update.
        var head = await LedgerKv.ReadAsync($"{_ledgerPath}/audit-head", null, cancellationToken).ConfigureAwait(false);
        var sequence = head.Outcome == KvReadOutcome.Found ? long.Parse(head.Data!["sequence"]!, CultureInfo.InvariantCulture) : 0;
        AuditRecord? last = sequence > 0 ? await ReadAuditAsync(sequence, cancellationToken).ConfigureAwait(false) : null;
        while (await ReadAuditAsync(sequence + 1, cancellationToken).ConfigureAwait(false) is { } next)
        {
            last = next;
            sequence++;
        }

        return last;
    }

    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var document = new Dictionary<string, string?> { ["record"] = AuditChain.ToJson(record).ToJsonString() };
        await LedgerKv.WriteAsync(AuditPath(record.Sequence), document, 0, cancellationToken).ConfigureAwait(false);
        var head = await LedgerKv.ReadAsync($"{_ledgerPath}/audit-head", null, cancellationToken).ConfigureAwait(false);
        var hint = new Dictionary<string, string?> { ["sequence"] = record.Sequence.ToString(CultureInfo.InvariantCulture) };
        try
        {
            await LedgerKv.WriteAsync($"{_ledgerPath}/audit-head", hint, head.Version?.Version ?? 0, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretsPipelineException ex) when (ex.Code == Codes.CheckAndSetMismatch)
        {
            // Another writer moved the hint meanwhile; readers probe forward from any hint, so a stale one is harmless.
        }
    }

    /// <summary>Every stored record by listing, not by counting up, so a deleted record shows as a gap in the chain.</summary>
    public async Task<IReadOnlyList<AuditRecord>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var sequences = (await ListLedgerKeysAsync("audit", cancellationToken).ConfigureAwait(false))
            .Select(k => long.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .Where(n => n > 0)
            .Order();
        var records = new List<AuditRecord>();
        foreach (var sequence in sequences)
        {
            if (await ReadAuditAsync(sequence, cancellationToken).ConfigureAwait(false) is { } record)
            {
                records.Add(record);
            }
        }

        return records;
    }

    private async Task<AuditRecord?> ReadAuditAsync(long sequence, CancellationToken cancellationToken)
    {
        var read = await LedgerKv.ReadAsync(AuditPath(sequence), null, cancellationToken).ConfigureAwait(false);
        return read.Outcome == KvReadOutcome.Found ? AuditChain.FromJson(JsonNode.Parse(read.Data!["record"]!)!) : null;
    }

    private async Task<IReadOnlyList<string>> ListLedgerKeysAsync(string folder, CancellationToken cancellationToken)
    {
        var url = $"{_ledgerMount}/metadata/{_ledgerPath}/{folder}/";
        var response = await _client.SendAsync(VaultHttpClient.List, url, null, retrySafe: true, cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.NotFound)
        {
            return [];
        }

        return response.IsSuccess
            ? (response.Data?["keys"] as JsonArray ?? []).Select(k => k!.GetValue<string>()).ToArray()
            : throw _client.Failure(VaultHttpClient.List, url, response);
    }

    private string DeploymentPath(string environment, string id) => $"{_ledgerPath}/deployments/{Escape(environment)}/{Escape(id)}";

    private string AuditPath(long sequence) => $"{_ledgerPath}/audit/{sequence.ToString("D12", CultureInfo.InvariantCulture)}";

    private static string Escape(string segment) => Uri.EscapeDataString(segment);
}
