using System.Text.RegularExpressions;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// The skeleton's rollback story (lock, rotate, revert, resolve, revoke) with <c>type: vault</c>: the packed tool
/// against a Vault-compatible server on 127.0.0.1, seeded and inspected as an operator would with the vault CLI.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class VaultStoryTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Env = VaultRepo.Environment;
    private const string DbPath = "production/app/db";
    private const string ApiPath = "production/api";

    [Fact]
    public async Task Lock_rotate_revert_and_at_read_exact_kv_versions_and_a_revoke_in_vault_outlives_revert_and_undelete()
    {
        await using var vault = await VaultRepo.StartAsync(tool, output);
        var cli = vault.Cli;
        var (db1, api1) = ($"db-v1-{Guid.NewGuid():N}", $"api-v1-{Guid.NewGuid():N}");
        var (db2, api2) = ($"db-v2-{Guid.NewGuid():N}", $"api-v2-{Guid.NewGuid():N}");

        // An operator seeds version 1 (`vault kv put`); the team pins and releases it.
        Assert.Equal(1, vault.Put(DbPath, "password", db1));
        Assert.Equal(1, vault.Put(ApiPath, "key", api1));
        await vault.InitAsync();
        await cli.OkAsync("lock");
        await vault.Git.CommitAsync("pin secrets (v1)", "v1");

        // Rotation: new KV versions in Vault, then `lock --update`.
        Assert.Equal(2, vault.Put(DbPath, "password", db2));
        Assert.Equal(2, vault.Put(ApiPath, "key", api2));
        var update = await cli.OkAsync("lock", "--update");
        Assert.Contains("version 1 -> 2", update.StdOut + update.StdErr, StringComparison.Ordinal);
        await vault.Git.CommitAsync("rotate secrets (v2)", "v2");

        // Resolve reads exactly the pinned versions: one `?version=2` read per path, no unpinned read of the latest.
        vault.Vault.Requests.Clear();
        Assert.Equal(Dotenv(db2, api2), (await cli.OkAsync("resolve", "--env", Env)).StdOut);
        var reads = DataReads(vault);
        Assert.Equal(1, reads.Count(r => r == $"/v1/secret/data/{DbPath}?version=2"));
        Assert.Equal(1, reads.Count(r => r == $"/v1/secret/data/{ApiPath}?version=2"));
        Assert.All(reads, r => Assert.Contains("?version=", r, StringComparison.Ordinal));

        // Roll back with git: the reverted lock pins version 1 again, and Vault still has it.
        await vault.Git.RevertHeadAsync();
        vault.Vault.Requests.Clear();
        Assert.Equal(Dotenv(db1, api1), (await cli.OkAsync("resolve", "--env", Env)).StdOut);
        Assert.Contains($"/v1/secret/data/{DbPath}?version=1", DataReads(vault));
        Assert.Equal(Dotenv(db2, api2), (await cli.OkAsync("resolve", "--env", Env, "--at", "v2")).StdOut);

        // Version 1 of DB_PASSWORD leaked: revoke it. The mark lives in Vault (custom_metadata) and the version is soft-deleted.
        var revoke = await cli.OkAsync("revoke", "DB_PASSWORD", "--env", Env, "--version", "1", "--reason", "leaked in a build log");
        Assert.DoesNotContain(db1, revoke.StdOut + revoke.StdErr, StringComparison.Ordinal);
        var version1 = vault.Kv.Read(DbPath, 1);
        Assert.NotNull(version1);
        Assert.NotNull(version1.DeletionTime);
        Assert.True(version1.DeletionTime <= vault.Vault.State.Now, $"version 1 deletion_time {version1.DeletionTime} is in the future");
        Assert.False(version1.Destroyed);
        var key = vault.Kv.GetKey(DbPath);
        Assert.NotNull(key?.CustomMetadata);
        var mark = Assert.Single(key.CustomMetadata, p => p.Key.Contains("revoked", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("secrets-pipeline-revoked-v1", mark.Key);
        Assert.Contains("leaked in a build log", mark.Value, StringComparison.Ordinal);
        Assert.Null(vault.Kv.Read(DbPath, 2)!.DeletionTime);
        Assert.Null(vault.Kv.GetKey(ApiPath)!.CustomMetadata?.Keys.FirstOrDefault(k => k.Contains("revoked", StringComparison.Ordinal)));

        // HEAD (the revert) pins the revoked version: refused by name, nothing printed, no --out file.
        var outFile = Path.Combine(vault.Repo.Scratch, "deploy.env");
        var refused = await cli.RunAsync("resolve", "--env", Env, "--out", outFile);
        AssertRevokedRefusal(refused);
        Assert.False(File.Exists(outFile), "a refused resolve wrote its --out file");
        AssertRevokedRefusal(await cli.RunAsync("resolve", "--env", Env, "--at", "v1"));

        // An operator undeletes version 1 in Vault (`vault kv undelete -versions=1`): still no resurrection.
        vault.Kv.UndeleteVersions(DbPath, 1);
        Assert.Null(vault.Kv.Read(DbPath, 1)!.DeletionTime);
        AssertRevokedRefusal(await cli.RunAsync("resolve", "--env", Env));
        AssertRevokedRefusal(await cli.RunAsync("resolve", "--env", Env, "--format", "json", "--at", "v1"));
        Assert.False(File.Exists(outFile));

        // The release pinned to version 2 still resolves, and the way forward the message names works.
        Assert.Equal(Dotenv(db2, api2), (await cli.OkAsync("resolve", "--env", Env, "--at", "v2")).StdOut);
        await cli.OkAsync("lock", "--update", "DB_PASSWORD");
        Assert.Equal(Dotenv(db2, api1), (await cli.OkAsync("resolve", "--env", Env)).StdOut);

        foreach (var run in cli.History.Where(r => r.Arguments[0] != "resolve"))
        {
            foreach (var value in new[] { db1, db2, api1, api2 })
            {
                Assert.DoesNotContain(value, run.Result.StdOut + run.Result.StdErr, StringComparison.Ordinal);
            }
        }

        vault.AssertTokenNeverPrinted();
        var trail = vault.AssertToolDocumentsInVaultHoldNo(db1, db2, api1, api2);
        output.WriteLine($"tool documents in Vault: {string.Join(", ", trail)}");
    }

    [Fact]
    public async Task Pruned_and_destroyed_versions_are_refused_apart_and_verify_online_warns_before_max_versions_prunes_a_pin()
    {
        await using var vault = await VaultRepo.StartAsync(tool, output);
        var cli = vault.Cli;
        const string Manifest = """
            version: 1
            stores:
              prod: { type: vault }
            environments:
              pruned: { store: prod }
              destroyed: { store: prod }
              retained: { store: prod }
            secrets:
              DB_PASSWORD: { ref: "secret/${env}/app/db#password" }

            """;

        // Every environment pins version 1 of its own path.
        vault.Kv.ConfigureKey("pruned/app/db", maxVersions: 2);
        vault.Kv.ConfigureKey("retained/app/db", maxVersions: 3);
        foreach (var environment in new[] { "pruned", "destroyed", "retained" })
        {
            Assert.Equal(1, vault.Put($"{environment}/app/db", "password", $"{environment}-v1-{Guid.NewGuid():N}"));
        }

        await vault.InitAsync(Manifest);
        await cli.OkAsync("lock");
        await vault.Git.CommitAsync("pin", "v1");

        // max_versions 2: writing versions 2 and 3 prunes version 1.
        vault.Put("pruned/app/db", "password", $"pruned-v2-{Guid.NewGuid():N}");
        var pruned3 = $"pruned-v3-{Guid.NewGuid():N}";
        Assert.Equal(3, vault.Put("pruned/app/db", "password", pruned3));
        Assert.Null(vault.Kv.Read("pruned/app/db", 1));

        // `vault kv destroy -versions=1` after a rotation.
        var destroyed2 = $"destroyed-v2-{Guid.NewGuid():N}";
        vault.Put("destroyed/app/db", "password", destroyed2);
        vault.Kv.DestroyVersions("destroyed/app/db", 1);

        // max_versions 3 and current version 3: version 1 is 2 behind, so the next write prunes it.
        var retained1 = vault.Kv.Read("retained/app/db", 1)!["password"]!;
        vault.Put("retained/app/db", "password", $"retained-v2-{Guid.NewGuid():N}");
        vault.Put("retained/app/db", "password", $"retained-v3-{Guid.NewGuid():N}");

        var outFile = Path.Combine(vault.Repo.Scratch, "deploy.env");
        var prunedRefusal = await cli.RunAsync("resolve", "--env", "pruned", "--out", outFile);
        var prunedLine = AssertRefusal(prunedRefusal, "SPL3002");
        Assert.Matches(@"\bversion 1\b", prunedLine);
        Assert.Matches(@"newest good version (is )?3\b", prunedLine);
        Assert.False(File.Exists(outFile));

        var destroyedLine = AssertRefusal(await cli.RunAsync("resolve", "--env", "destroyed"), "SPL3005");
        Assert.Matches(@"\bversion 1\b", destroyedLine);
        Assert.Matches(@"newest good version (is )?2\b", destroyedLine);

        // Online verification tells the two apart as well (its stdout reports the signature check, which passed).
        AssertRefusal(await cli.RunAsync("verify", "--online", "--env", "pruned"), "SPL3002", stdoutEmpty: false);
        AssertRefusal(await cli.RunAsync("verify", "--online", "--env", "destroyed"), "SPL3005", stdoutEmpty: false);

        // Still readable, but one write from being pruned: verify --online passes with a warning naming the risk.
        var verify = await cli.OkAsync("verify", "--online", "--env", "retained");
        var warning = Assert.Single(verify.ErrorLines, l => l.Contains("SPL3013", StringComparison.Ordinal));
        Assert.Matches(@": warning SPL3013: ", warning);
        Assert.Contains("DB_PASSWORD v1", warning, StringComparison.Ordinal);
        Assert.Contains("will prune it at the next write", warning, StringComparison.Ordinal);
        Assert.Contains("max_versions 3", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(verify.ErrorLines, l => l.Contains(": error ", StringComparison.Ordinal));
        Assert.Equal($"DB_PASSWORD=\"{retained1}\"\n", (await cli.OkAsync("resolve", "--env", "retained")).StdOut);

        vault.AssertTokenNeverPrinted();
    }

    /// <summary>
    /// When no good version is left, lock and resolve tell the user to `secrets-pipeline store put REF`; but `store` only
    /// manages the embedded store and answers SPL9001 "secrets.yaml declares no `type: local` store" for a Vault-only
    /// manifest. For a Vault store the way forward is a new KV version in Vault (e.g. `vault kv put`).
    /// </summary>
    [Fact]
    public async Task With_no_good_version_left_the_way_forward_named_for_a_vault_store_is_a_command_that_works()
    {
        await using var vault = await VaultRepo.StartAsync(tool, output);
        var cli = vault.Cli;
        vault.Put(DbPath, "password", $"db-v1-{Guid.NewGuid():N}");
        vault.Put(ApiPath, "key", $"api-v1-{Guid.NewGuid():N}");
        await vault.InitAsync();
        await cli.OkAsync("lock");
        await cli.OkAsync("revoke", "DB_PASSWORD", "--env", Env, "--version", "1");

        var resolve = AssertRefusal(await cli.RunAsync("resolve", "--env", Env), "SPL3003");
        var relock = AssertRefusal(await cli.RunAsync("lock", "--update"), "SPL3001");

        // The command the messages name must not be one that refuses this manifest.
        var suggested = await cli.RunWithInputAsync("new-value\n", "store", "put", $"secret/{DbPath}#password");
        Assert.True(
            suggested.ExitCode == 0 || (!resolve.Contains("secrets-pipeline store put", StringComparison.Ordinal) && !relock.Contains("secrets-pipeline store put", StringComparison.Ordinal)),
            $"resolve says: {resolve}\nlock says: {relock}\nbut `store put` answers: {suggested}");
        Assert.Contains($"vault kv patch secret/{DbPath} password=-", resolve, StringComparison.Ordinal);
        Assert.Contains($"vault kv patch secret/{DbPath} password=-", relock, StringComparison.Ordinal);
    }

    private static string Dotenv(string db, string api) => $"DB_PASSWORD=\"{db}\"\nAPI_KEY=\"{api}\"\n";

    /// <summary>Reads of the story's secret paths (not of anything else the tool may keep in the mount, such as an audit trail).</summary>
    private static List<string> DataReads(VaultRepo vault) =>
    [
        .. vault.Vault.Requests.Snapshot()
            .Where(r => r.Method == "GET" && r.PathAndQuery.StartsWith($"/v1/secret/data/{Env}/", StringComparison.Ordinal))
            .Select(r => r.PathAndQuery),
    ];

    /// <summary>Exit 1, nothing on stdout (unless told otherwise), one diagnostic line with <paramref name="code"/> naming DB_PASSWORD; returns the line.</summary>
    private static string AssertRefusal(ProcessResult result, string code, bool stdoutEmpty = true)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        if (stdoutEmpty)
        {
            Assert.Equal(string.Empty, result.StdOut);
        }

        var line = Assert.Single(result.ErrorLines);
        Assert.Matches($@"secrets\.yaml\(\d+,\d+\): error {code}: ", line);
        Assert.Contains("'DB_PASSWORD'", line, StringComparison.Ordinal);
        return line;
    }

    private static void AssertRevokedRefusal(ProcessResult result)
    {
        var line = AssertRefusal(result, "SPL3003");
        Assert.Matches(@"\bversion 1\b", line);
        Assert.Matches(new Regex(@"newest good version (is )?2\b"), line);
    }
}
