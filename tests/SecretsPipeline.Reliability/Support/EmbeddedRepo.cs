using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Reliability.Harness;

namespace SecretsPipeline.Reliability.Support;

/// <summary>
/// A repository on the embedded store with <see cref="SecretCount"/> secrets over <see cref="RefCount"/> refs, locked
/// and committed; and the checks every crash and concurrency trial ends with: the lock parses, is canonical and
/// verifies; the store passes <c>PRAGMA integrity_check</c>; every pin names a version the store holds.
/// </summary>
public sealed class EmbeddedRepo : IDisposable
{
    public const int SecretCount = 12;
    public const int RefCount = 6;

    private EmbeddedRepo(TestRepo repo) => Repo = repo;

    public TestRepo Repo { get; }

    public Cli Cli => Repo.Cli;

    public string StoreDatabase => Path.Combine(Repo.Path, ".secrets-pipeline", "store.db");

    public static async Task<EmbeddedRepo> CreateAsync(PackedToolFixture tool)
    {
        var repo = new TestRepo(tool);
        var manifest = new StringBuilder("version: 1\nstores:\n  dev: { type: local }\nenvironments:\n  development: { store: dev }\nsecrets:\n");
        for (var i = 0; i < SecretCount; i++)
        {
            manifest.Append(CultureInfo.InvariantCulture, $"  SECRET_{i:D2}: {{ ref: \"secret/${{env}}/app/s{i % RefCount}#value{i / RefCount}\" }}\n");
        }

        await repo.InitAsync(manifest.ToString());
        for (var i = 0; i < SecretCount; i++)
        {
            await repo.Cli.PutAsync(RefOf(i), $"v1-{i}-{Guid.NewGuid():N}");
        }

        await repo.Cli.OkAsync("lock");
        await repo.Git.CommitAsync("v1");
        return new EmbeddedRepo(repo);
    }

    public static string NameOf(int secret) => string.Create(CultureInfo.InvariantCulture, $"SECRET_{secret:D2}");

    public static string RefOf(int secret) => string.Create(CultureInfo.InvariantCulture, $"secret/development/app/s{secret % RefCount}#value{secret / RefCount}");

    /// <summary>The checks of a trial's end state; returns the parsed lock when it parsed.</summary>
    public async Task<LockFile?> CheckAsync(Problems problems)
    {
        LockFile? lockFile = null;
        try
        {
            lockFile = LockSerializer.Read(Repo.LockPath);
            using var trust = LocalTrustSource.Load(new SecretsPipelineHome(Repo.Home), [], null);
            await new LockVerifier([trust]).VerifyAsync(Repo.LockPath, lockFile, CancellationToken.None);
        }
        catch (SecretsPipelineException ex)
        {
            problems.Check(false, $"the lock does not read or verify: {ex.Code.Id} {ex.Message}", lost: "torn or unverifiable lock");
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = StoreDatabase, Pooling = false }.ToString());
        connection.Open();
        using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check";
            var result = check.ExecuteScalar() as string;
            problems.Check(result == "ok", $"integrity_check: {result}", lost: "corrupt store");
        }

        foreach (var (name, pin) in lockFile?.Environments[TestRepo.Environment].Secrets ?? new Dictionary<string, SecretPin>())
        {
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT COUNT(*) FROM versions WHERE ref = $ref AND version = $version";
            query.Parameters.AddWithValue("$ref", pin.Ref);
            query.Parameters.AddWithValue("$version", long.Parse(pin.Version!, CultureInfo.InvariantCulture));
            problems.Check((long)query.ExecuteScalar()! == 1, $"{name} is pinned to version {pin.Version}, which the store lacks", lost: "pin of a missing version");
        }

        return lockFile;
    }

    /// <summary>The newest version of every ref, as the store holds them (with <paramref name="readableOnly"/>, not deleted, revoked or destroyed).</summary>
    public Dictionary<string, long> NewestVersions(bool readableOnly = false)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = StoreDatabase, Pooling = false }.ToString());
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = readableOnly
            ? "SELECT ref, MAX(version) FROM versions WHERE deleted_at IS NULL AND destroyed = 0 GROUP BY ref"
            : "SELECT ref, MAX(version) FROM versions GROUP BY ref";
        using var reader = query.ExecuteReader();
        var newest = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            newest[reader.GetString(0)] = reader.GetInt64(1);
        }

        return newest;
    }

    public void Dispose() => Repo.Dispose();
}
