using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using SecretsPipeline.Core.Audit;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Stores.Local;

/// <summary>
/// The audit trail as a table keyed by sequence. An append checks, inside its transaction, that it extends the current
/// head (next sequence, previous hash), so two writers that sealed against the same head cannot fork the chain.
/// </summary>
public sealed partial class LocalStore : IAuditTrail
{
    public Task<AuditRecord?> LastAsync(CancellationToken cancellationToken) =>
        WithConnectionAsync(create: false, LastAudit, missing: () => null);

    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        var json = AuditChain.ToJson(record).ToJsonString();
        return WithConnectionAsync(create: true, connection =>
        {
            using var transaction = connection.BeginTransaction();
            var last = LastAudit(connection);
            var next = (last?.Sequence ?? 0) + 1;
            var head = last?.Hash ?? AuditChain.Genesis;
            if (record.Sequence != next || record.PreviousHash != head)
            {
                throw new SecretsPipelineException(
                    Codes.CheckAndSetMismatch,
                    $"audit record {record.Sequence} was sealed against a head that is no longer the newest (the trail is at record {next - 1}): another writer appended first. Re-read the head and seal again.");
            }

            // A record whose hash does not match its content would read back as tampered; refuse it at the door.
            if (AuditChain.Seal(record, last).Hash != record.Hash)
            {
                throw new SecretsPipelineException(Codes.AuditBroken, $"audit record {record.Sequence} is not sealed (its hash does not match its content); seal it with AuditChain.Seal before appending.");
            }

            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO audit (sequence, json) VALUES ($sequence, $json)";
            insert.Parameters.AddWithValue("$sequence", record.Sequence);
            insert.Parameters.AddWithValue("$json", json);
            insert.ExecuteNonQuery();
            transaction.Commit();
            return true;
        }, missing: null!);
    }

    public Task<IReadOnlyList<AuditRecord>> ReadAllAsync(CancellationToken cancellationToken) =>
        WithConnectionAsync<IReadOnlyList<AuditRecord>>(create: false, connection =>
        {
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT sequence, json FROM audit ORDER BY sequence";
            using var reader = select.ExecuteReader();
            var records = new List<AuditRecord>();
            while (reader.Read())
            {
                records.Add(ReadAudit(reader));
            }

            return records;
        }, missing: () => []);

    private AuditRecord? LastAudit(SqliteConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT sequence, json FROM audit ORDER BY sequence DESC LIMIT 1";
        using var reader = select.ExecuteReader();
        return reader.Read() ? ReadAudit(reader) : null;
    }

    private AuditRecord ReadAudit(SqliteDataReader reader)
    {
        var sequence = reader.GetInt64(0);
        try
        {
            return AuditChain.FromJson(JsonNode.Parse(reader.GetString(1))!);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException or ArgumentException or NullReferenceException)
        {
            throw new SecretsPipelineException(Codes.AuditBroken, $"audit record {sequence} in the embedded store {_path} is not a valid record (edited outside the tool): {ex.Message}", inner: ex);
        }
    }
}
