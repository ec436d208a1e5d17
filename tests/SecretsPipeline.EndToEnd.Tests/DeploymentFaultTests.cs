using System.Text.Json.Nodes;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Vault.TestServer;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Issue 4, "a resolve is one transaction": a failure injected at every step of a resolve of two static and two
/// dynamic entries (before, between and after the lease issues, and on writing the output) leaves zero active leases
/// from the attempt, no output file (an existing one byte-identical), and nothing live or pending in the ledger. The
/// deployment that was live before is never touched.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class DeploymentFaultTests(PackedToolFixture tool, ITestOutputHelper output)
{
    /// <summary>Two static and two dynamic entries, interleaved.</summary>
    public const string FourSecrets = """
          API_KEY: { ref: "secret/${env}/api#key" }
          DB: { dynamic: "database/creds/app", ttl: 1h }
          STRIPE_KEY: { ref: "secret/${env}/payments#stripe" }
          REPORTS: { dynamic: "database/creds/reports", ttl: 30m }

        """;

    private static readonly byte[] _previousDeploy = [.. "KEEP=\"the previous deploy's file\"\n"u8, 0x00, 0xFF, (byte)'\n'];

    [Fact]
    public async Task A_503_at_any_request_of_a_resolve_revokes_the_attempts_leases_writes_nothing_and_never_marks_it_live()
    {
        await using var rig = await ArrangeAsync(StoreKind.Vault);
        var server = rig.Vault!.Vault;
        var faults = server.Faults;
        var cli = rig.Cli.With(new Dictionary<string, string?> { ["VAULT_MAX_RETRIES"] = "0" });
        var live = await rig.DeployAsync(promote: true, deployment: "live");
        Assert.Equal(2, live.Leases.Count);

        // One undisturbed resolve shows the steps: what the n-th request of a resolve is.
        server.Requests.Clear();
        var probeOut = Path.Combine(rig.Repo.Scratch, "probe.env");
        await cli.OkAsync("resolve", "--env", rig.Env, "--deployment", "probe", "--out", probeOut);
        var steps = server.Requests.Snapshot();
        for (var i = 0; i < steps.Count; i++)
        {
            output.WriteLine($"request {i + 1,2}: {steps[i].Method} {steps[i].PathAndQuery}");
        }

        await cli.OkAsync("leases", "release", "--env", rig.Env, "--deployment", "probe");
        var issues = Enumerable.Range(1, steps.Count).Where(n => steps[n - 1].PathAndQuery.Contains("/database/creds/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, issues.Length);
        Assert.Contains(steps.Take(issues[0] - 1), r => r.PathAndQuery.Contains("/secret/data/production/api", StringComparison.Ordinal));
        Assert.Contains(steps.Skip(issues[1]), IsLedgerWrite);
        Assert.Contains("/sys/leases/renew", steps[issues[1]].PathAndQuery, StringComparison.Ordinal);

        var failedAttempts = 0;
        var outDirectory = Directory.CreateDirectory(Path.Combine(rig.Repo.Scratch, "out")).FullName;
        for (var n = 1; n <= steps.Count; n++)
        {
            var id = $"fault-{n:00}";
            var existing = n % 2 == 0;
            var outFile = Path.Combine(outDirectory, $"{id}.env");
            if (existing)
            {
                await File.WriteAllBytesAsync(outFile, _previousDeploy);
            }

            var leasesBefore = server.State.Leases.All.Select(l => l.LeaseId).ToHashSet(StringComparer.Ordinal);
            server.Requests.Clear();
            faults.FailAt(n, 503);
            var run = await cli.RunAsync("resolve", "--env", rig.Env, "--deployment", id, "--out", outFile);
            faults.Clear();
            var failed = Assert.Single(server.Requests.Snapshot(), r => r.Status == 503);
            var attempt = server.State.Leases.All.Where(l => !leasesBefore.Contains(l.LeaseId)).ToList();
            var step = $"request {n} ({failed.Method} {failed.PathAndQuery}, {attempt.Count} lease(s) issued)";
            output.WriteLine($"{step}: exit {run.ExitCode}");

            if (failed.PathAndQuery.Contains("/secrets-pipeline/audit", StringComparison.Ordinal))
            {
                // The audit record is written after the output was delivered: the resolve stands, with a warning.
                // Every later request of a resolve is part of that record too, so one of them stands for all.
                Assert.True(run.ExitCode == 0, $"{step}: {run}");
                Assert.Contains(run.ErrorLines, l => l.Contains("warning SPL3019", StringComparison.Ordinal));
                Assert.Contains("DB_PASSWORD=", await File.ReadAllTextAsync(outFile), StringComparison.Ordinal);
                await cli.OkAsync("leases", "release", "--env", rig.Env, "--deployment", id);
                Assert.All(steps.Skip(n), r => Assert.Contains("/secrets-pipeline/audit", r.PathAndQuery, StringComparison.Ordinal));
                break;
            }

            failedAttempts++;
            Assert.True(run.ExitCode != 0, $"{step}: the resolve succeeded: {run}");
            Assert.Equal(string.Empty, run.StdOut);
            Assert.All(attempt, l => Assert.True(l.Revoked, $"{step}: lease {l.LeaseId} of the failed attempt is still active"));
            if (existing)
            {
                Assert.Equal(_previousDeploy, await File.ReadAllBytesAsync(outFile));
            }
            else
            {
                Assert.False(File.Exists(outFile), $"{step}: the failed resolve wrote {outFile}");
            }

            Assert.All(Directory.GetFiles(outDirectory), f => Assert.EndsWith(".env", f, StringComparison.Ordinal));
            AssertNotLive(rig, id, step);
            Assert.Equal(live.Leases, server.State.Leases.Active.Select(l => l.LeaseId).Order(StringComparer.Ordinal));
        }

        Assert.True(failedAttempts >= issues[1], $"only {failedAttempts} of {steps.Count} injected faults failed the resolve");

        // Writing the output fails (--out names a directory): the leases issued for it are revoked too.
        var leasesBeforeWrite = server.State.Leases.All.Select(l => l.LeaseId).ToHashSet(StringComparer.Ordinal);
        var unwritable = await cli.RunAsync("resolve", "--env", rig.Env, "--deployment", "fault-write", "--out", outDirectory);
        Assert.True(unwritable.ExitCode == 1, unwritable.ToString());
        Assert.Contains("SPL9002", unwritable.StdErr, StringComparison.Ordinal);
        var writeAttempt = server.State.Leases.All.Where(l => !leasesBeforeWrite.Contains(l.LeaseId)).ToList();
        Assert.Equal(2, writeAttempt.Count);
        Assert.All(writeAttempt, l => Assert.True(l.Revoked, $"lease {l.LeaseId} of the attempt whose output could not be written is still active"));
        AssertNotLive(rig, "fault-write", "output write");

        // The ledger as `leases list` shows it: the live deployment alone is live, and no failed attempt holds a lease.
        var deployments = await rig.DeploymentsAsync();
        Assert.Equal(["live"], deployments.Where(d => d["state"]!.GetValue<string>() == "live").Select(d => d["id"]!.GetValue<string>()));
        foreach (var deployment in deployments.Where(d => d["id"]!.GetValue<string>().StartsWith("fault-", StringComparison.Ordinal)))
        {
            Assert.Contains(deployment["state"]!.GetValue<string>(), new[] { "failed", "released" });
            Assert.All(deployment["leases"]!.AsArray(), l => Assert.True(l!["revoked"]!.GetValue<bool>(), $"{deployment["id"]} lists {l["lease_id"]} as held"));
        }

        Assert.Equal(live.Leases, await rig.ActiveLeaseIdsAsync());
        rig.Vault.AssertTokenNeverPrinted();
    }

    [Fact]
    public async Task On_the_embedded_store_a_failed_read_lease_or_output_write_leaves_no_active_lease_no_output_and_nothing_live()
    {
        await using var rig = await ArrangeAsync(StoreKind.Embedded);
        var live = await rig.DeployAsync(promote: true, deployment: "live");
        var outFile = Path.Combine(rig.Repo.Scratch, "deploy.env");
        await File.WriteAllBytesAsync(outFile, _previousDeploy);

        // After both leases: --out names a directory, so the atomic write fails.
        var directory = Directory.CreateDirectory(Path.Combine(rig.Repo.Scratch, "a-directory")).FullName;
        var unwritable = await rig.Cli.RunAsync("resolve", "--env", rig.Env, "--deployment", "fault-write", "--out", directory);
        Assert.True(unwritable.ExitCode == 1, unwritable.ToString());
        Assert.Contains("SPL9002", unwritable.StdErr, StringComparison.Ordinal);
        await AssertNothingLeftAsync(rig, "fault-write", live, expectRecord: true);

        // Between the leases: the second dynamic entry asks for a field the store does not issue.
        rig.Repo.WriteManifest(rig.Manifest(FourSecrets.Replace("ttl: 30m", "ttl: 30m, fields: [username, token]", StringComparison.Ordinal)));
        await rig.Cli.OkAsync("lock");
        var missingField = await rig.Cli.RunAsync("resolve", "--env", rig.Env, "--deployment", "fault-field", "--out", outFile);
        Assert.True(missingField.ExitCode != 0, missingField.ToString());
        Assert.Contains("'token'", missingField.StdErr, StringComparison.Ordinal);
        Assert.Equal(_previousDeploy, await File.ReadAllBytesAsync(outFile));
        await AssertNothingLeftAsync(rig, "fault-field", live, expectRecord: true);
        rig.Repo.WriteManifest(rig.Manifest(FourSecrets));
        await rig.Cli.OkAsync("lock");

        // Before the leases: a static pin was revoked as compromised, so its read is refused.
        await rig.Cli.OkAsync("revoke", "STRIPE_KEY", "--env", rig.Env, "--version", "1", "--reason", "leaked");
        var revoked = await rig.Cli.RunAsync("resolve", "--env", rig.Env, "--deployment", "fault-read", "--out", outFile);
        Assert.True(revoked.ExitCode == 1, revoked.ToString());
        Assert.Contains("SPL3003", revoked.StdErr, StringComparison.Ordinal);
        Assert.Equal(_previousDeploy, await File.ReadAllBytesAsync(outFile));
        await AssertNothingLeftAsync(rig, "fault-read", live, expectRecord: false);
        Assert.Equal(["a-directory", Path.GetFileName(outFile)], Directory.EnumerateFileSystemEntries(rig.Repo.Scratch).Select(Path.GetFileName).Where(n => !n!.StartsWith("deploy-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    /// <summary>A repository on <paramref name="kind"/> with <see cref="FourSecrets"/> locked and committed.</summary>
    internal static async Task<DeploymentRig> ArrangeAsync(PackedToolFixture tool, ITestOutputHelper output, StoreKind kind, FakeVaultOptions? options = null)
    {
        var rig = await DeploymentRig.StartAsync(tool, output, kind, options);
        rig.AddRole("app", TimeSpan.FromHours(1));

        // The reports role's default TTL is not the pinned 30m, so Vault's lease is renewed to the pinned TTL right after it is issued.
        rig.AddRole("reports", TimeSpan.FromHours(1));
        await rig.InitAsync(FourSecrets);
        await rig.PutAsync("api", "key", $"api-{Guid.NewGuid():N}");
        await rig.PutAsync("payments", "stripe", $"sk-{Guid.NewGuid():N}");
        await rig.Cli.OkAsync("lock");
        await rig.Git.CommitAsync("v1", "v1");
        return rig;
    }

    private Task<DeploymentRig> ArrangeAsync(StoreKind kind) => ArrangeAsync(tool, output, kind);

    private static bool IsLedgerWrite(RequestLogEntry request) =>
        request.Method is "POST" or "PUT" && request.PathAndQuery.Contains("/secret/data/secrets-pipeline/deployments/", StringComparison.Ordinal);

    /// <summary>The attempt's ledger document, read from the fake server's KV: absent, or failed with every lease revoked.</summary>
    private static void AssertNotLive(DeploymentRig rig, string id, string step)
    {
        var document = rig.Vault!.Kv.Read($"secrets-pipeline/deployments/{rig.Env}/{id}");
        if (document?["record"] is not { } text)
        {
            return;
        }

        var record = JsonNode.Parse(text)!;
        Assert.True(record["state"]!.GetValue<string>() == "failed", $"{step}: the ledger records {id} as {record["state"]}");
        Assert.All(record["leases"]!.AsArray(), l => Assert.True(l!["revoked"]!.GetValue<bool>(), $"{step}: the ledger lists {l["lease_id"]} as held by {id}"));
    }

    private static async Task AssertNothingLeftAsync(DeploymentRig rig, string id, DeploymentRig.Deployed live, bool expectRecord)
    {
        Assert.Equal(live.Leases, await rig.ActiveLeaseIdsAsync());
        var record = (await rig.DeploymentsAsync()).SingleOrDefault(d => d["id"]!.GetValue<string>() == id);
        if (record is null)
        {
            Assert.False(expectRecord, $"{id} is not in the ledger");
            return;
        }

        Assert.Equal("failed", record["state"]!.GetValue<string>());
        Assert.All(record["leases"]!.AsArray(), l => Assert.True(l!["revoked"]!.GetValue<bool>()));
        var held = (await rig.SqliteAsync("SELECT lease_id FROM leases WHERE revoked_at IS NULL")).Select(r => r[0]).Order(StringComparer.Ordinal);
        Assert.Equal(live.Leases, held);
    }
}
