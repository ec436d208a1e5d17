using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Stores.Local;

/// <summary>
/// The embedded store. Each reference (<c>mount/path#key</c>) has its own immutable, numbered versions, encrypted with
/// AES-256-GCM under a key from the home folder; the reference and version are bound in as associated data, so a
/// ciphertext cannot be moved to another row. Every write is one SQLite transaction. Leases, the deployment ledger and
/// the audit trail live in the same database (<c>LocalStore.Leases.cs</c>, <c>.Ledger.cs</c>, <c>.Audit.cs</c>).
/// </summary>
public sealed partial class LocalStore : ISecretStore
{
    private readonly string _path;
    private readonly SecretsPipelineHome _home;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private LocalStoreKey? _key;

    /// <param name="time">The clock for version and lease times; tests pass a manual one to expire leases without waiting.</param>
    public LocalStore(string path, string displayPath, SecretsPipelineHome home, TimeProvider? time = null)
    {
        _path = path;
        _home = home;
        _time = time ?? TimeProvider.System;
        Identity = new Dictionary<string, string> { ["type"] = "local", ["path"] = displayPath };
    }

    public IReadOnlyDictionary<string, string> Identity { get; }

    public string DatabasePath => _path;

    public Task<SecretVersionInfo?> GetCurrentAsync(SecretRef secretRef, CancellationToken cancellationToken) =>
        WithConnectionAsync(create: false, connection =>
        {
            using var command = Command(connection, "SELECT version, created FROM versions WHERE ref = $ref AND deleted_at IS NULL AND destroyed = 0 AND revoked_at IS NULL ORDER BY version DESC LIMIT 1", secretRef);
            using var reader = command.ExecuteReader();
            return reader.Read() ? new SecretVersionInfo(reader.GetInt64(0).ToString(CultureInfo.InvariantCulture), ParseTime(reader.GetString(1))) : null;
        }, missing: null);

    public Task<SecretValue> ReadAsync(SecretRef secretRef, string version, CancellationToken cancellationToken) =>
        WithConnectionAsync(create: false, connection =>
        {
            if (!long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw new VersionUnavailableException(VersionState.Missing, version, $"'{version}' is not a version number of the embedded store");
            }

            using var command = Command(connection, "SELECT version, created, nonce, ciphertext, tag, deleted_at, destroyed, revoked_at, revoke_reason FROM versions WHERE ref = $ref AND version = $version", secretRef);
            command.Parameters.AddWithValue("$version", number);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                throw new VersionUnavailableException(VersionState.Missing, version, $"{secretRef} has no version {version}");
            }

            var info = ReadInfo(reader);
            if (!info.IsReadable)
            {
                throw new VersionUnavailableException(info.State, version, $"{secretRef} version {version} is {info.State.ToString().ToLowerInvariant()}");
            }

            var plain = Decrypt(secretRef, number, (byte[])reader["nonce"], (byte[])reader["ciphertext"], (byte[])reader["tag"]);
            return new SecretValue(plain, info);
        }, missing: () => throw new VersionUnavailableException(VersionState.Missing, version, $"the embedded store {_path} does not exist yet"));

    public Task<SecretVersionInfo> WriteAsync(SecretRef secretRef, string value, string? expectedCurrent, CancellationToken cancellationToken) =>
        WithConnectionAsync(create: true, connection =>
        {
            using var transaction = connection.BeginTransaction();
            using var latest = Command(connection, "SELECT COALESCE(MAX(version), 0) FROM versions WHERE ref = $ref", secretRef);
            var current = (long)latest.ExecuteScalar()!;
            var currentText = current.ToString(CultureInfo.InvariantCulture);
            if (expectedCurrent is not null && expectedCurrent != currentText)
            {
                throw new SecretsPipelineException(
                    Codes.CheckAndSetMismatch,
                    $"{secretRef} is at version {currentText}, not {expectedCurrent}: another writer changed it first. Re-read and retry.");
            }

            var version = current + 1;
            var created = _time.GetUtcNow();
            var (nonce, ciphertext, tag) = Encrypt(secretRef, version, value);
            using var insert = Command(connection, "INSERT INTO versions (ref, version, created, nonce, ciphertext, tag) VALUES ($ref, $version, $created, $nonce, $ciphertext, $tag)", secretRef);
            insert.Parameters.AddWithValue("$version", version);
            insert.Parameters.AddWithValue("$created", FormatTime(created));
            insert.Parameters.AddWithValue("$nonce", nonce);
            insert.Parameters.AddWithValue("$ciphertext", ciphertext);
            insert.Parameters.AddWithValue("$tag", tag);
            insert.ExecuteNonQuery();
            transaction.Commit();
            return new SecretVersionInfo(version.ToString(CultureInfo.InvariantCulture), ParseTime(FormatTime(created)));
        }, missing: null!);

    public Task<IReadOnlyList<SecretVersionInfo>> ListVersionsAsync(SecretRef secretRef, CancellationToken cancellationToken) =>
        WithConnectionAsync<IReadOnlyList<SecretVersionInfo>>(create: false, connection =>
        {
            using var command = Command(connection, "SELECT version, created, deleted_at, destroyed, revoked_at, revoke_reason FROM versions WHERE ref = $ref ORDER BY version", secretRef);
            using var reader = command.ExecuteReader();
            var versions = new List<SecretVersionInfo>();
            while (reader.Read())
            {
                versions.Add(ReadInfo(reader));
            }

            return versions;
        }, missing: () => []);

    /// <summary>Every reference in the store, sorted; specific to the embedded store (<c>store list</c>).</summary>
    public Task<IReadOnlyList<string>> ListRefsAsync(CancellationToken cancellationToken) =>
        WithConnectionAsync<IReadOnlyList<string>>(create: false, connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT DISTINCT ref FROM versions ORDER BY ref";
            using var reader = command.ExecuteReader();
            var refs = new List<string>();
            while (reader.Read())
            {
                refs.Add(reader.GetString(0));
            }

            return refs;
        }, missing: () => []);

    public Task DeleteVersionAsync(SecretRef secretRef, string version, CancellationToken cancellationToken) =>
        MarkAsync(secretRef, version, "UPDATE versions SET deleted_at = COALESCE(deleted_at, $now) WHERE ref = $ref AND version = $version", reason: null);

    public Task RevokeVersionAsync(SecretRef secretRef, string version, string reason, CancellationToken cancellationToken) =>
        MarkAsync(secretRef, version, "UPDATE versions SET revoked_at = COALESCE(revoked_at, $now), revoke_reason = COALESCE(revoke_reason, $reason), deleted_at = COALESCE(deleted_at, $now) WHERE ref = $ref AND version = $version", reason);

    public Task<string?> FingerprintAsync(SecretRef secretRef, SecretValue value, CancellationToken cancellationToken)
    {
        var key = _key ?? LocalStoreKey.Load(_home);
        var mac = HMACSHA256.HashData(key.Fingerprint, Encoding.UTF8.GetBytes(value.Reveal()));
        return Task.FromResult<string?>("hmac-sha256:" + Convert.ToBase64String(mac));
    }

    public ValueTask DisposeAsync()
    {
        _connection?.Dispose();
        _gate.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task MarkAsync(SecretRef secretRef, string version, string sql, string? reason) =>
        WithConnectionAsync(create: false, connection =>
        {
            using var command = Command(connection, sql, secretRef);
            command.Parameters.AddWithValue("$version", long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1);
            command.Parameters.AddWithValue("$now", FormatTime(_time.GetUtcNow()));
            command.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
            return command.ExecuteNonQuery() == 1
                ? true
                : throw new VersionUnavailableException(VersionState.Missing, version, $"{secretRef} has no version {version}");
        }, missing: () => throw new VersionUnavailableException(VersionState.Missing, version, $"the embedded store {_path} does not exist yet"));

    private async Task<T> WithConnectionAsync<T>(bool create, Func<SqliteConnection, T> action, Func<T>? missing)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is null)
            {
                if (!create && !File.Exists(_path))
                {
                    return missing is null
                        ? throw new SecretsPipelineException(Codes.StoreUnavailable, $"the embedded store {_path} does not exist; add a value with `secrets-pipeline store put REF`.")
                        : missing();
                }

                _connection = LocalStoreSchema.Open(_path, _key = LocalStoreKey.Load(_home));
            }

            return action(_connection);
        }
        catch (SqliteException ex)
        {
            throw new SecretsPipelineException(Codes.StoreUnavailable, $"the embedded store {_path} failed: {ex.Message}", inner: ex);
        }
        finally
        {
            _gate.Release();
        }
    }

    private (byte[] Nonce, byte[] Ciphertext, byte[] Tag) Encrypt(SecretRef secretRef, long version, string value)
    {
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var plain = Encoding.UTF8.GetBytes(value);
        var ciphertext = new byte[plain.Length];
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        using var aes = new AesGcm(_key!.Encryption, tag.Length);
        aes.Encrypt(nonce, plain, ciphertext, tag, AssociatedData(secretRef, version));
        CryptographicOperations.ZeroMemory(plain);
        return (nonce, ciphertext, tag);
    }

    private string Decrypt(SecretRef secretRef, long version, byte[] nonce, byte[] ciphertext, byte[] tag)
    {
        var plain = new byte[ciphertext.Length];
        try
        {
            using var aes = new AesGcm(_key!.Encryption, tag.Length);
            aes.Decrypt(nonce, ciphertext, tag, plain, AssociatedData(secretRef, version));
            return Encoding.UTF8.GetString(plain);
        }
        catch (CryptographicException)
        {
            throw new SecretsPipelineException(Codes.StoreCorrupt, $"{secretRef} version {version} failed its integrity check: the database was altered or the key is not the one it was written with.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] AssociatedData(SecretRef secretRef, long version) =>
        Encoding.UTF8.GetBytes($"{secretRef}\n{version.ToString(CultureInfo.InvariantCulture)}");

    private static SqliteCommand Command(SqliteConnection connection, string sql, SecretRef secretRef)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$ref", secretRef.ToString());
        return command;
    }

    private static SecretVersionInfo ReadInfo(SqliteDataReader reader)
    {
        var version = reader.GetInt64(reader.GetOrdinal("version")).ToString(CultureInfo.InvariantCulture);
        var created = ParseTime(reader.GetString(reader.GetOrdinal("created")));
        var state = !reader.IsDBNull(reader.GetOrdinal("revoked_at")) ? VersionState.Revoked
            : reader.GetInt64(reader.GetOrdinal("destroyed")) != 0 ? VersionState.Destroyed
            : !reader.IsDBNull(reader.GetOrdinal("deleted_at")) ? VersionState.Deleted
            : VersionState.Active;
        var reasonOrdinal = reader.GetOrdinal("revoke_reason");
        return new SecretVersionInfo(version, created, state, reader.IsDBNull(reasonOrdinal) ? null : reader.GetString(reasonOrdinal));
    }

    private static string FormatTime(DateTimeOffset time) => UtcTimestamp.ToText(time);

    private static DateTimeOffset ParseTime(string text) => UtcTimestamp.Parse(text);
}
