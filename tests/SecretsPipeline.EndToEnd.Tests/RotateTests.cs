using System.Text.Json.Nodes;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Issue 4, <c>rotate</c> as one transaction, against the embedded store and the Vault-compatible test server: the new
/// version is written with check-and-set, the lock re-pinned, re-signed and committed (only the lock); a concurrent
/// writer makes it fail cleanly before anything is written; a failure after the write soft-deletes the new version
/// and leaves the lock byte-identical.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class RotateTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Secrets = """
          DB_PASSWORD: { ref: "secret/${env}/app/db#password" }
          API_KEY: { ref: "secret/${env}/api#key" }

        """;

    [Theory]
    [InlineData(StoreKind.Embedded)]
    [InlineData(StoreKind.Vault)]
    public async Task Rotate_with_commit_writes_a_new_version_and_commits_only_the_re_signed_lock_that_pins_it(StoreKind kind)
    {
        await using var rig = await ArrangeAsync(kind);
        var parent = await rig.HeadAsync();

        var result = await rig.Cli.OkAsync("rotate", "DB_PASSWORD", "--env", rig.Env, "--generate", "24", "--commit", "--json");
        var report = JsonNode.Parse(result.StdOut)!;
        Assert.Equal("1", report["old_version"]!.GetValue<string>());
        Assert.Equal("2", report["new_version"]!.GetValue<string>());
        Assert.True(report["committed"]!.GetValue<bool>());
        Assert.Equal([("1", "active"), ("2", "active")], await rig.VersionsAsync("app/db", "password"));
        Assert.Equal([("1", "active")], await rig.VersionsAsync("api", "key"));

        // The lock pins the new version, verifies, and is the only file of a commit on top of the previous one.
        var pins = LockSerializer.Read(rig.Repo.LockPath).Environments[rig.Env].Secrets;
        Assert.Equal("2", pins["DB_PASSWORD"].Version);
        Assert.Equal("1", pins["API_KEY"].Version);
        await rig.Cli.OkAsync("verify");
        Assert.Equal(parent, (await rig.Git.RunAsync("rev-parse", "HEAD~1")).StdOut.Trim());
        Assert.Equal("secrets.lock.json", (await rig.Git.RunAsync("show", "--name-only", "--format=", "HEAD")).StdOut.Trim());
        Assert.Equal(string.Empty, (await rig.Git.RunAsync("status", "--porcelain")).StdOut);

        // The value resolves, is new, and was never printed by rotate.
        var values = DeploymentRig.ParseDotenv((await rig.Cli.OkAsync("resolve", "--env", rig.Env)).StdOut);
        Assert.Equal(24, values["DB_PASSWORD"].Length);
        Assert.NotEqual(Old, values["DB_PASSWORD"]);
        Assert.DoesNotContain(values["DB_PASSWORD"], result.StdOut + result.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StoreKind.Embedded)]
    [InlineData(StoreKind.Vault)]
    public async Task A_write_to_the_store_after_locking_makes_rotate_fail_with_spl3007_and_write_nothing(StoreKind kind)
    {
        await using var rig = await ArrangeAsync(kind);
        var head = await rig.HeadAsync();
        Assert.Equal(2, await rig.PutAsync("app/db", "password", $"out-of-band-{Guid.NewGuid():N}"));
        var lockBefore = rig.Repo.ReadLock();

        var refused = await rig.Cli.RunAsync("rotate", "DB_PASSWORD", "--env", rig.Env, "--generate", "24", "--commit");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        var line = Assert.Single(refused.ErrorLines, l => l.Contains(": error ", StringComparison.Ordinal));
        Assert.Contains("error SPL3007", line, StringComparison.Ordinal);
        Assert.Equal(lockBefore, rig.Repo.ReadLock());
        Assert.Equal([("1", "active"), ("2", "active")], await rig.VersionsAsync("app/db", "password"));
        Assert.Equal(head, await rig.HeadAsync());
        await rig.Cli.OkAsync("verify");
    }

    [Theory]
    [InlineData(StoreKind.Embedded)]
    [InlineData(StoreKind.Vault)]
    public async Task A_commit_refused_because_other_changes_are_staged_soft_deletes_the_new_version_and_keeps_the_lock(StoreKind kind)
    {
        await using var rig = await ArrangeAsync(kind);
        var head = await rig.HeadAsync();
        await File.AppendAllTextAsync(Path.Combine(rig.Repo.Path, "notes.txt"), "a change someone staged\n");
        await rig.Git.RunAsync("add", "notes.txt");
        var lockBefore = rig.Repo.ReadLock();

        var refused = await rig.Cli.RunAsync("rotate", "DB_PASSWORD", "--env", rig.Env, "--generate", "24", "--commit");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("error SPL4004", refused.StdErr, StringComparison.Ordinal);
        Assert.Equal(lockBefore, rig.Repo.ReadLock());
        Assert.Equal([("1", "active"), ("2", "deleted")], await rig.VersionsAsync("app/db", "password"));
        Assert.Equal(head, await rig.HeadAsync());
        Assert.Equal("M  notes.txt", (await rig.Git.RunAsync("status", "--porcelain")).StdOut.TrimEnd());
        Assert.Equal($"DB_PASSWORD=\"{Old}\"", (await rig.Cli.OkAsync("resolve", "--env", rig.Env)).StdOut.Split('\n')[0]);
    }

    [Fact]
    public async Task A_signer_that_fails_after_the_write_soft_deletes_the_new_version_in_vault_and_keeps_the_lock()
    {
        await using var rig = await ArrangeAsync(StoreKind.Vault);
        var lockBefore = rig.Repo.ReadLock();

        var cli = rig.Cli.With(new Dictionary<string, string?> { ["SECRETS_PIPELINE_SIGNERS"] = "vault-transit:transit/missing" });
        var refused = await cli.RunAsync("rotate", "DB_PASSWORD", "--env", rig.Env, "--generate", "24");
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Equal(lockBefore, rig.Repo.ReadLock());
        var version2 = rig.Vault!.Kv.Read($"{rig.Env}/app/db", 2);
        Assert.NotNull(version2);
        Assert.True(version2.DeletionTime <= rig.Vault.Vault.State.Now, "the version written before the signer failed is not soft-deleted");
        Assert.Equal([("1", "active"), ("2", "deleted")], await rig.VersionsAsync("app/db", "password"));
        Assert.Equal(string.Empty, (await rig.Git.RunAsync("status", "--porcelain")).StdOut);
        rig.Vault.AssertTokenNeverPrinted();
    }

    [Fact]
    public async Task Rotate_waits_for_the_repository_lock_and_gives_up_with_spl3018_before_writing_anything()
    {
        await using var rig = await ArrangeAsync(StoreKind.Embedded);
        var lockBefore = rig.Repo.ReadLock();
        var folder = Directory.CreateDirectory(Path.Combine(rig.Repo.Path, ".secrets-pipeline")).FullName;
        using (new FileStream(Path.Combine(folder, "repository.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var busy = await rig.Cli.With(new Dictionary<string, string?> { ["SECRETS_PIPELINE_LOCK_TIMEOUT"] = "1" })
                .RunAsync("rotate", "DB_PASSWORD", "--env", rig.Env, "--generate", "24");
            Assert.True(busy.ExitCode == 1, busy.ToString());
            Assert.Contains("error SPL3018", busy.StdErr, StringComparison.Ordinal);
        }

        Assert.Equal(lockBefore, rig.Repo.ReadLock());
        Assert.Equal([("1", "active")], await rig.VersionsAsync("app/db", "password"));
    }

    [Theory]
    [InlineData(StoreKind.Embedded)]
    public async Task A_staged_new_file_also_stops_rotate_commit_so_the_commit_never_holds_more_than_the_lock(StoreKind kind)
    {
        await using var rig = await ArrangeAsync(kind);
        var head = await rig.HeadAsync();
        await File.WriteAllTextAsync(Path.Combine(rig.Repo.Path, "new-file.txt"), "not for the rotation's commit\n");
        await rig.Git.RunAsync("add", "new-file.txt");
        var lockBefore = rig.Repo.ReadLock();

        var refused = await rig.Cli.RunAsync("rotate", "DB_PASSWORD", "--env", rig.Env, "--generate", "24", "--commit");
        Assert.Equal(head, await rig.HeadAsync());
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("error SPL4004", refused.StdErr, StringComparison.Ordinal);
        Assert.Equal(lockBefore, rig.Repo.ReadLock());
        Assert.Equal([("1", "active"), ("2", "deleted")], await rig.VersionsAsync("app/db", "password"));
    }

    [Theory]
    [InlineData(StoreKind.Embedded)]
    [InlineData(StoreKind.Vault)]
    public async Task Rotate_retried_after_a_rolled_back_attempt_succeeds(StoreKind kind)
    {
        await using var rig = await ArrangeAsync(kind);
        await File.AppendAllTextAsync(Path.Combine(rig.Repo.Path, "notes.txt"), "staged\n");
        await rig.Git.RunAsync("add", "notes.txt");
        var refused = await rig.Cli.RunAsync("rotate", "DB_PASSWORD", "--env", rig.Env, "--generate", "24", "--commit");
        Assert.Contains("error SPL4004", refused.StdErr, StringComparison.Ordinal);
        await rig.Git.RunAsync("reset", "-q", "notes.txt");

        var retried = await rig.Cli.RunAsync("rotate", "DB_PASSWORD", "--env", rig.Env, "--generate", "24", "--commit", "--json");
        Assert.True(retried.ExitCode == 0, retried.ToString());
        Assert.Equal("3", JsonNode.Parse(retried.StdOut)!["new_version"]!.GetValue<string>());
        Assert.Equal("3", LockSerializer.Read(rig.Repo.LockPath).Environments[rig.Env].Secrets["DB_PASSWORD"].Version);
    }

    /// <summary>The value of DB_PASSWORD version 1.</summary>
    private static string Old => "db-password-version-1";

    /// <summary>DB_PASSWORD and API_KEY at version 1, locked, with a tracked notes.txt, committed.</summary>
    private async Task<DeploymentRig> ArrangeAsync(StoreKind kind)
    {
        var rig = await DeploymentRig.StartAsync(tool, output, kind);
        await rig.InitAsync(Secrets);
        await rig.PutAsync("app/db", "password", Old);
        await rig.PutAsync("api", "key", $"api-{Guid.NewGuid():N}");
        await rig.Cli.OkAsync("lock");
        await File.WriteAllTextAsync(Path.Combine(rig.Repo.Path, "notes.txt"), "release notes\n");
        await rig.Git.CommitAsync("v1", "v1");
        return rig;
    }
}
