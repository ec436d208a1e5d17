using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using SecretsPipeline.Core.Deployments;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Stores.Local;

/// <summary>
/// The deployment ledger as a table: one row per deployment holding <see cref="DeploymentJson"/>, so the record's
/// shape is the one Vault's KV ledger and <c>--json</c> use. Environment and times are columns only to filter and order.
/// </summary>
public sealed partial class LocalStore : IDeploymentLedger
{
    public Task<DeploymentRecord?> GetDeploymentAsync(string deploymentId, CancellationToken cancellationToken) =>
        WithConnectionAsync(create: false, connection =>
        {
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT id, json FROM deployments WHERE id = $id";
            select.Parameters.AddWithValue("$id", deploymentId);
            using var reader = select.ExecuteReader();
            return reader.Read() ? ReadDeployment(reader) : null;
        }, missing: () => null);

    /// <summary>
    /// Inserts the record, or merges it over the stored one (<see cref="DeploymentRecord.MergedOver"/>), in one
    /// immediate transaction, so concurrent writers of one deployment never drop each other's leases.
    /// </summary>
    public Task SaveDeploymentAsync(DeploymentRecord record, CancellationToken cancellationToken) =>
        WithConnectionAsync(create: true, connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: false);
            using var existing = connection.CreateCommand();
            existing.CommandText = "SELECT id, json, environment FROM deployments WHERE id = $id";
            existing.Parameters.AddWithValue("$id", record.Id);
            DeploymentRecord? stored = null;
            using (var reader = existing.ExecuteReader())
            {
                if (reader.Read())
                {
                    // Replacing another environment's record under the same id would drop the only list of its leases.
                    var environment = reader.GetString(2);
                    if (environment != record.Environment)
                    {
                        throw new SecretsPipelineException(
                            Codes.Usage,
                            $"deployment '{record.Id}' already belongs to environment '{environment}', not '{record.Environment}'; choose another --deployment id.");
                    }

                    stored = ReadDeployment(reader);
                }
            }

            var merged = record.MergedOver(stored);
            using var upsert = connection.CreateCommand();
            upsert.CommandText = """
                INSERT INTO deployments (id, environment, created, updated, json) VALUES ($id, $environment, $created, $updated, $json)
                ON CONFLICT (id) DO UPDATE SET created = excluded.created, updated = excluded.updated, json = excluded.json
                """;
            upsert.Parameters.AddWithValue("$id", merged.Id);
            upsert.Parameters.AddWithValue("$environment", merged.Environment);
            upsert.Parameters.AddWithValue("$created", FormatTime(merged.Created));
            upsert.Parameters.AddWithValue("$updated", FormatTime(merged.Updated));
            upsert.Parameters.AddWithValue("$json", DeploymentJson.ToJson(merged).ToJsonString());
            upsert.ExecuteNonQuery();
            transaction.Commit();
            return true;
        }, missing: null!);

    public Task<IReadOnlyList<DeploymentRecord>> ListDeploymentsAsync(string environment, CancellationToken cancellationToken) =>
        WithConnectionAsync<IReadOnlyList<DeploymentRecord>>(create: false, connection =>
        {
            using var select = connection.CreateCommand();
            select.CommandText = "SELECT id, json FROM deployments WHERE environment = $environment ORDER BY created, id";
            select.Parameters.AddWithValue("$environment", environment);
            using var reader = select.ExecuteReader();
            var records = new List<DeploymentRecord>();
            while (reader.Read())
            {
                records.Add(ReadDeployment(reader));
            }

            return records;
        }, missing: () => []);

    private DeploymentRecord ReadDeployment(SqliteDataReader reader)
    {
        var id = reader.GetString(0);
        try
        {
            return DeploymentJson.FromJson(JsonNode.Parse(reader.GetString(1))!);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or FormatException or ArgumentException or NullReferenceException)
        {
            throw new SecretsPipelineException(Codes.StoreCorrupt, $"deployment '{id}' in the embedded store {_path} is not a valid ledger record (edited outside the tool?): {ex.Message}", inner: ex);
        }
    }
}
