using Microsoft.Data.Sqlite;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Stores.Local;

/// <summary>Creates or opens the database and checks it belongs to the key in the home folder.</summary>
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
