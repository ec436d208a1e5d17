using System.Text.Json.Nodes;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Issue 4, the audit trail: after a whole story every lock, resolve, rotate, revoke, promote and lease action has a
/// record naming who (CI actor and run), what (command, environment, commit, lock digest, secret names and versions,
/// lease ids) and the outcome, never a value; <c>audit verify</c> passes, and fails with SPL3017 once a stored record
/// is edited or removed.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class AuditTrailTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Secrets = """
          API_KEY: { ref: "secret/${env}/api#key" }
          DB: { dynamic: "database/creds/app", ttl: 1h }

        """;

    private static readonly Dictionary<string, string?> _github = new(StringComparer.Ordinal)
    {
        ["GITHUB_ACTOR"] = "octocat",
        ["GITHUB_RUN_ID"] = "4242",
        ["GITHUB_REPOSITORY"] = "acme/shop",
    };

    [Theory]
    [InlineData(StoreKind.Embedded)]
    [InlineData(StoreKind.Vault)]
    public async Task After_a_story_every_action_has_a_record_without_values_the_chain_verifies_and_an_edit_breaks_it(StoreKind kind)
    {
        await using var rig = await DeploymentRig.StartAsync(tool, output, kind);
        var cli = rig.Cli.With(_github);
        var env = rig.Env;
        rig.AddRole("app", TimeSpan.FromHours(1));
        await rig.InitAsync(Secrets);
        var apiKey1 = $"api-v1-{Guid.NewGuid():N}";
        await rig.PutAsync("api", "key", apiKey1);

        // The story: lock, deploy v1, rotate and commit, deploy v2 (supersedes v1), renew, revoke v1's version, a failed resolve, release.
        await cli.OkAsync("lock");
        await rig.Git.CommitAsync("v1");
        var commit1 = await rig.HeadAsync();
        var v1 = await rig.DeployAsync(promote: true);
        await cli.OkAsync("rotate", "API_KEY", "--env", env, "--generate", "24", "--commit");
        var commit2 = await rig.HeadAsync();
        var v2 = await rig.DeployAsync(promote: true);
        await cli.OkAsync("leases", "renew", "--env", env, "--deployment", v2.Id, "--increment", "2h");
        await cli.OkAsync("revoke", "API_KEY", "--env", env, "--version", "1", "--reason", "leaked in a build log");
        var failed = await cli.RunAsync("resolve", "--env", env, "--deployment", "fails", "--out", rig.Repo.Scratch);
        Assert.Equal(1, failed.ExitCode);
        await cli.OkAsync("leases", "release", "--env", env, "--deployment", v2.Id);

        var verify = await cli.OkAsync("audit", "verify", "--env", env);
        Assert.Contains("hash chain intact", verify.StdOut + verify.StdErr, StringComparison.Ordinal);
        var listed = await cli.OkAsync("audit", "list", "--env", env, "--json");
        var records = JsonNode.Parse(listed.StdOut)!["records"]!.AsArray().Select(r => r!).ToList();
        foreach (var r in records)
        {
            output.WriteLine(r.ToJsonString());
        }

        // One record per action, in order (the deploys through DeployAsync ran with the plain environment, the rest as GitHub Actions).
        Assert.Equal(
            ["lock", "resolve", "promote", "rotate", "resolve", "promote", "leases renew", "revoke", "resolve", "leases release"],
            records.Select(r => r["command"]!.GetValue<string>()));
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r["sequence"]!.GetValue<long>()));
        Assert.All(records, r => Assert.Equal(env, r["environment"]!.GetValue<string>()));

        var (lockRecord, resolve1, promote1, rotate, resolve2, promote2, renew, revoke, failedResolve, release) =
            (records[0], records[1], records[2], records[3], records[4], records[5], records[6], records[7], records[8], records[9]);
        AssertActor(lockRecord, github: true);
        AssertActor(resolve1, github: false);
        AssertSecrets(lockRecord, ("API_KEY", "1"));
        Assert.StartsWith("sha256:", lockRecord["lock_digest"]!.GetValue<string>(), StringComparison.Ordinal);

        AssertSecrets(resolve1, ("API_KEY", "1"));
        Assert.Equal(v1.Leases, Leases(resolve1));
        Assert.Equal(commit1, resolve1["commit"]!.GetValue<string>());
        Assert.Equal("ok", resolve1["outcome"]!.GetValue<string>());
        Assert.Equal(commit1, promote1["commit"]!.GetValue<string>());

        AssertActor(rotate, github: true);
        AssertSecrets(rotate, ("API_KEY", "2"));
        AssertSecrets(resolve2, ("API_KEY", "2"));
        Assert.Equal(v2.Leases, Leases(resolve2));
        Assert.Equal(commit2, resolve2["commit"]!.GetValue<string>());
        Assert.Equal(commit2, promote2["commit"]!.GetValue<string>());
        Assert.Equal(v2.Leases, Leases(renew));
        AssertSecrets(revoke, ("API_KEY", "1"));
        Assert.Equal("failed SPL9002", failedResolve["outcome"]!.GetValue<string>());
        Assert.Equal(v2.Leases, Leases(release));
        Assert.All(records.Where(r => r != failedResolve), r => Assert.Equal("ok", r["outcome"]!.GetValue<string>()));

        // Never a value: neither the static values nor the issued credentials, in what is printed or what is stored.
        var rotated = v2.Values["API_KEY"];
        var stored = await rig.RawLedgerAndAuditAsync();
        var printed = listed.StdOut + (await cli.OkAsync("audit", "list", "--env", env)).StdOut;
        foreach (var value in new[] { apiKey1, rotated, v1.Values["DB_USERNAME"], v1.Values["DB_PASSWORD"], v2.Values["DB_USERNAME"], v2.Values["DB_PASSWORD"] })
        {
            Assert.DoesNotContain(value, printed, StringComparison.Ordinal);
            Assert.DoesNotContain(value, stored, StringComparison.Ordinal);
        }

        // Edit a stored record: verify fails with SPL3017 naming it; put it back: it passes again.
        var original = await ReadStoredAsync(rig, 4);
        Assert.Contains("\"outcome\":\"ok\"", original, StringComparison.Ordinal);
        await WriteStoredAsync(rig, 4, original.Replace("\"outcome\":\"ok\"", "\"outcome\":\"failed SPL3007\"", StringComparison.Ordinal));
        var edited = await cli.RunAsync("audit", "verify", "--env", env);
        Assert.True(edited.ExitCode == 1, edited.ToString());
        var line = Assert.Single(edited.ErrorLines);
        Assert.Contains("error SPL3017", line, StringComparison.Ordinal);
        Assert.Contains("record 4", line, StringComparison.Ordinal);
        await WriteStoredAsync(rig, 4, original);
        await cli.OkAsync("audit", "verify", "--env", env);
    }

    [Fact]
    public async Task Deleting_a_record_from_the_embedded_stores_audit_table_makes_verify_fail_with_spl3017()
    {
        await using var rig = await ArrangeStoryAsync(StoreKind.Embedded);
        await rig.Cli.OkAsync("audit", "verify", "--env", rig.Env);

        await rig.SqliteAsync("DELETE FROM audit WHERE sequence = 2");
        var removed = await rig.Cli.RunAsync("audit", "verify", "--env", rig.Env);
        Assert.True(removed.ExitCode == 1, removed.ToString());
        Assert.Contains("error SPL3017", Assert.Single(removed.ErrorLines), StringComparison.Ordinal);

        // Renumbering the rows after the gap does not hide it either.
        await rig.SqliteAsync("UPDATE audit SET sequence = sequence - 1, json = replace(json, '\"sequence\":' || sequence, '\"sequence\":' || (sequence - 1)) WHERE sequence > 2");
        var renumbered = await rig.Cli.RunAsync("audit", "verify", "--env", rig.Env);
        Assert.True(renumbered.ExitCode == 1, renumbered.ToString());
        Assert.Contains("error SPL3017", Assert.Single(renumbered.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_a_record_from_vault_makes_verify_fail_with_spl3017_instead_of_hiding_the_rest()
    {
        await using var rig = await ArrangeStoryAsync(StoreKind.Vault);
        await rig.Cli.OkAsync("audit", "verify", "--env", rig.Env);
        rig.Vault!.Kv.DeleteMetadata("secrets-pipeline/audit/000000000002");

        var removed = await rig.Cli.RunAsync("audit", "verify", "--env", rig.Env);
        Assert.True(removed.ExitCode == 1, removed.ToString());
        Assert.Contains("error SPL3017", Assert.Single(removed.ErrorLines), StringComparison.Ordinal);
    }

    [Fact(Skip = "limitation: nothing anchors the head of the chain, so removing the newest record(s) (`DELETE FROM audit WHERE sequence = (SELECT MAX(sequence) FROM audit)`) leaves a shorter chain that AuditChain.Verify (src/SecretsPipeline.Core/Audit/AuditChain.cs:23) accepts; `audit verify` exits 0 after the record of the last action was erased. Needs an anchor outside the table (e.g. the head hash in the lock or a signed checkpoint).")]
    public async Task Deleting_the_newest_record_makes_verify_fail_with_spl3017()
    {
        await using var rig = await ArrangeStoryAsync(StoreKind.Embedded);
        await rig.SqliteAsync("DELETE FROM audit WHERE sequence = (SELECT MAX(sequence) FROM audit)");
        var removed = await rig.Cli.RunAsync("audit", "verify", "--env", rig.Env);
        Assert.True(removed.ExitCode == 1, removed.ToString());
        Assert.Contains("error SPL3017", removed.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_promote_that_supersedes_a_deployment_records_the_lease_ids_it_revoked()
    {
        await using var rig = await ArrangeStoryAsync(StoreKind.Embedded);
        var records = JsonNode.Parse((await rig.Cli.OkAsync("audit", "list", "--env", rig.Env, "--json")).StdOut)!["records"]!.AsArray();
        var resolves = records.Where(r => r!["command"]!.GetValue<string>() == "resolve").ToList();
        var lastPromote = records.Last(r => r!["command"]!.GetValue<string>() == "promote")!;
        Assert.Equal(Leases(resolves[0]!), Leases(lastPromote));
    }

    /// <summary>lock, deploy v1 (promote), a new commit, deploy v2 (promote): seven or so records.</summary>
    private async Task<DeploymentRig> ArrangeStoryAsync(StoreKind kind)
    {
        var rig = await DeploymentRig.StartAsync(tool, output, kind);
        rig.AddRole("app", TimeSpan.FromHours(1));
        await rig.InitAsync(Secrets);
        await rig.PutAsync("api", "key", $"api-{Guid.NewGuid():N}");
        await rig.Cli.OkAsync("lock");
        await rig.Git.CommitAsync("v1");
        await rig.DeployAsync(promote: true);
        await rig.Git.RunAsync("commit", "-q", "--allow-empty", "-m", "v2");
        await rig.DeployAsync(promote: true);
        return rig;
    }

    private static IReadOnlyList<string> Leases(JsonNode record) =>
        [.. record["leases"]!.AsArray().Select(l => l!.GetValue<string>()).Order(StringComparer.Ordinal)];

    private static void AssertSecrets(JsonNode record, params (string Name, string Version)[] expected) =>
        Assert.Equal(
            expected.ToDictionary(e => e.Name, e => e.Version, StringComparer.Ordinal),
            record["secrets"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal));

    private static void AssertActor(JsonNode record, bool github)
    {
        if (github)
        {
            Assert.Equal("github:octocat", record["actor"]!.GetValue<string>());
            Assert.Equal("github:acme/shop/actions/runs/4242", record["ci_run"]!.GetValue<string>());
        }
        else
        {
            Assert.StartsWith("user:", record["actor"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Null(record["ci_run"]);
        }
    }

    /// <summary>Audit record <paramref name="sequence"/> as the store keeps it (the embedded store's row, or Vault's KV document).</summary>
    private static async Task<string> ReadStoredAsync(DeploymentRig rig, int sequence) =>
        rig.Vault is { } vault
            ? vault.Kv.Read(AuditPath(sequence))!["record"]!
            : Assert.Single(await rig.SqliteAsync($"SELECT json FROM audit WHERE sequence = {sequence}"))[0];

    /// <summary>Replaces stored audit record <paramref name="sequence"/> behind the tool's back.</summary>
    private static async Task WriteStoredAsync(DeploymentRig rig, int sequence, string json)
    {
        if (rig.Vault is { } vault)
        {
            vault.Kv.Write(AuditPath(sequence), new Dictionary<string, string> { ["record"] = json });
            return;
        }

        await rig.SqliteAsync($"UPDATE audit SET json = '{json.Replace("'", "''", StringComparison.Ordinal)}' WHERE sequence = {sequence}");
    }

    private static string AuditPath(int sequence) => $"secrets-pipeline/audit/{sequence:D12}";
}
