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

    /// <summary>Inserts or replaces the whole record in one transaction.</summary>
    public Task SaveDeploymentAsync(DeploymentRecord record, CancellationToken cancellationToken)
    {
        var json = DeploymentJson.ToJson(record).ToJsonString();
        return WithConnectionAsync(create: true, connection =>
        {
            using var transaction = connection.BeginTransaction();
            using var existing = connection.CreateCommand();
            existing.CommandText = "SELECT environment FROM deployments WHERE id = $id";
            existing.Parameters.AddWithValue("$id", record.Id);

            // Replacing another environment's record under the same id would drop the only list of its leases.
            if (existing.ExecuteScalar() is string environment && environment != record.Environment)
            {
                throw new SecretsPipelineException(
                    Codes.Usage,
                    $"deployment '{record.Id}' already belongs to environment '{environment}', not '{record.Environment}'; choose another --deployment id.");
            }

            using var upsert = connection.CreateCommand();
            upsert.CommandText = """
                INSERT INTO deployments (id, environment, created, updated, json) VALUES ($id, $environment, $created, $updated, $json)
                ON CONFLICT (id) DO UPDATE SET created = excluded.created, updated = excluded.updated, json = excluded.json
                """;
            upsert.Parameters.AddWithValue("$id", record.Id);
            upsert.Parameters.AddWithValue("$environment", record.Environment);
            upsert.Parameters.AddWithValue("$created", FormatTime(record.Created));
            upsert.Parameters.AddWithValue("$updated", FormatTime(record.Updated));
            upsert.Parameters.AddWithValue("$json", json);
            upsert.ExecuteNonQuery();
            transaction.Commit();
            return true;
        }, missing: null!);
    }

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
