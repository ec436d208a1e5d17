using Microsoft.Data.Sqlite;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Stores.Local;

/// <summary>
/// Creates or opens the database and checks it belongs to the key in the home folder. Tables are only ever added
/// (<c>CREATE TABLE IF NOT EXISTS</c>), so a database written by an older version gains the new ones on open.
/// </summary>
internal static class LocalStoreSchema
{
    public static SqliteConnection Open(string path, LocalStoreKey key)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        try
        {
            Execute(connection, """
                PRAGMA journal_mode = WAL;
                PRAGMA synchronous = FULL;
                PRAGMA busy_timeout = 30000;
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS versions (
                    ref TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    created TEXT NOT NULL,
                    nonce BLOB NOT NULL,
                    ciphertext BLOB NOT NULL,
                    tag BLOB NOT NULL,
                    deleted_at TEXT,
                    destroyed INTEGER NOT NULL DEFAULT 0,
                    revoked_at TEXT,
                    revoke_reason TEXT,
                    PRIMARY KEY (ref, version));
                -- Leases of generated credentials: terms and state only; the credentials themselves are never stored.
                CREATE TABLE IF NOT EXISTS leases (
                    lease_id TEXT PRIMARY KEY,
                    role TEXT NOT NULL,
                    issued TEXT NOT NULL,
                    expires TEXT NOT NULL,
                    max_expires TEXT NOT NULL,
                    ttl_ticks INTEGER NOT NULL,
                    revoked_at TEXT);
                -- The deployment ledger; created is a column as well as in the JSON so listing can order by it.
                CREATE TABLE IF NOT EXISTS deployments (
                    id TEXT PRIMARY KEY,
                    environment TEXT NOT NULL,
                    created TEXT NOT NULL,
                    updated TEXT NOT NULL,
                    json TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS deployments_by_environment ON deployments (environment, created);
                -- The hash-chained audit trail; the sequence is the key so two writers cannot both append record N.
                CREATE TABLE IF NOT EXISTS audit (
                    sequence INTEGER PRIMARY KEY,
                    json TEXT NOT NULL);
                INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '1');
                """);
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT OR IGNORE INTO meta (key, value) VALUES ('key_check', $check)";
            insert.Parameters.AddWithValue("$check", key.Check);
            insert.ExecuteNonQuery();
            using var check = connection.CreateCommand();
            check.CommandText = "SELECT value FROM meta WHERE key = 'key_check'";
            if ((string?)check.ExecuteScalar() != key.Check)
            {
                throw new SecretsPipelineException(
                    Codes.StoreKeyMissing,
                    $"the embedded store {path} was created with a different key than the one in your SECRETS_PIPELINE_HOME; point SECRETS_PIPELINE_HOME at the folder holding its local-store.key.");
            }

            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
