using System.Globalization;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Core.Audit;

/// <summary>
/// The hash chain over audit records: each record's hash is the SHA-256 of its canonical JSON (without the hash),
/// which includes the previous record's hash. Removing, reordering or editing a record breaks every later link.
/// </summary>
public static class AuditChain
{
    public const string Genesis = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>Completes a new record (sequence, previous hash, hash) as the successor of <paramref name="last"/>.</summary>
    public static AuditRecord Seal(AuditRecord draft, AuditRecord? last)
    {
        var linked = draft with { Sequence = (last?.Sequence ?? 0) + 1, PreviousHash = last?.Hash ?? Genesis, Hash = string.Empty };
        return linked with { Hash = HashOf(linked) };
    }

    /// <summary>Returns the first broken record's description, or <c>null</c> when the chain holds.</summary>
    public static string? Verify(IReadOnlyList<AuditRecord> records)
    {
        var previous = Genesis;
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            if (record.Sequence != i + 1)
            {
                return $"record {i + 1} is missing or out of order (found sequence {record.Sequence})";
            }

            if (record.PreviousHash != previous)
            {
                return $"record {record.Sequence} does not follow record {record.Sequence - 1} (a record was removed or replaced)";
            }

            if (HashOf(record with { Hash = string.Empty }) != record.Hash)
            {
                return $"record {record.Sequence} was edited after it was written";
            }

            previous = record.Hash;
        }

        return null;
    }

    public static JsonObject ToJson(AuditRecord record)
    {
        var secrets = new JsonObject();
        foreach (var (name, version) in record.Secrets)
        {
            secrets[name] = version;
        }

        return new JsonObject
        {
            ["sequence"] = record.Sequence,
            ["time"] = UtcTimestamp.ToText(record.Time),
            ["actor"] = record.Actor,
            ["ci_run"] = record.CiRun,
            ["command"] = record.Command,
            ["environment"] = record.Environment,
            ["commit"] = record.Commit,
            ["lock_digest"] = record.LockDigest,
            ["secrets"] = secrets,
            ["leases"] = new JsonArray(record.Leases.Select(l => (JsonNode?)JsonValue.Create(l)).ToArray()),
            ["outcome"] = record.Outcome,
            ["previous_hash"] = record.PreviousHash,
            ["hash"] = record.Hash,
        };
    }

    public static AuditRecord FromJson(JsonNode node) => new(
        node["sequence"]!.GetValue<long>(),
        UtcTimestamp.Parse(node["time"]!.GetValue<string>()),
        node["actor"]!.GetValue<string>(),
        node["ci_run"]?.GetValue<string>(),
        node["command"]!.GetValue<string>(),
        node["environment"]?.GetValue<string>(),
        node["commit"]?.GetValue<string>(),
        node["lock_digest"]?.GetValue<string>(),
        (node["secrets"] as JsonObject ?? []).ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal),
        (node["leases"] as JsonArray ?? []).Select(l => l!.GetValue<string>()).ToArray(),
        node["outcome"]!.GetValue<string>(),
        node["previous_hash"]!.GetValue<string>(),
        node["hash"]!.GetValue<string>());

    private static string HashOf(AuditRecord record)
    {
        var json = ToJson(record);
        json.Remove("hash");
        return Digest.Sha256(CanonicalJson.Serialize(json));
    }
}
