using System.Diagnostics;
using System.Text.Json.Nodes;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Issue 4: a resolve killed with SIGKILL mid-way cannot revoke anything itself; the leases it issued must be in the
/// ledger so that <c>leases release --deployment ID</c> finds and revokes them. The fake server answers every request
/// 200 ms late, so the kill lands while the resolve is still working.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class DeploymentKillTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private static readonly TimeSpan _latency = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task A_resolve_killed_after_its_first_lease_leaves_it_in_the_ledger_and_leases_release_revokes_it()
    {
        await using var rig = await DeploymentFaultTests.ArrangeAsync(tool, output, StoreKind.Vault);
        var server = rig.Vault!.Vault;
        var outFile = Path.Combine(rig.Repo.Scratch, "deploy.env");

        // Kill once the server holds an active lease and the ledger lists it (the resolve then waits on the ledger write's answer).
        var killed = await KillResolveWhenAsync(rig, "killed", outFile, () => server.State.Leases.Active.Count >= 1 && LedgerLeases(rig, "killed").Count >= 1);
        output.WriteLine($"killed with {server.State.Leases.Active.Count} active lease(s), ledger lists {LedgerLeases(rig, "killed").Count}");
        Assert.False(File.Exists(outFile), "the killed resolve wrote its output");
        var orphans = server.State.Leases.Active.Select(l => l.LeaseId).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(orphans);

        // The ledger shows the deployment and its leases; release revokes every one of them.
        var deployment = await rig.DeploymentAsync(killed);
        Assert.Equal("pending", deployment["state"]!.GetValue<string>());
        Assert.Equal(orphans, deployment["leases"]!.AsArray().Where(l => !l!["revoked"]!.GetValue<bool>()).Select(l => l!["lease_id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        await rig.Cli.OkAsync("leases", "release", "--env", rig.Env, "--deployment", killed);
        Assert.Empty(server.State.Leases.Active);
        Assert.All(orphans, id => Assert.True(server.State.Leases.Find(id)!.Revoked));
        Assert.Equal("released", (await rig.DeploymentAsync(killed))["state"]!.GetValue<string>());

        // The same release resolves again cleanly afterwards.
        var again = await rig.DeployAsync(promote: true, deployment: killed);
        Assert.Equal(again.Leases, await rig.ActiveLeaseIdsAsync());
    }

    [Fact(Skip = "limitation (design): a lease is written to the ledger only after Vault's answer to the issue arrives (Resolver.cs:63-68), so a resolve killed between Vault creating the lease and the ledger write leaves a lease no `leases release` can find; it lives until its TTL. README.md:98 says 'even a killed process leaves leases that `leases release` can find'. A fix would record an intent first, e.g. issue through a per-deployment child token recorded in the ledger and revoke that token on release.")]
    public async Task A_resolve_killed_the_moment_vault_issued_its_first_lease_leaves_nothing_for_leases_release_to_miss()
    {
        await using var rig = await DeploymentFaultTests.ArrangeAsync(tool, output, StoreKind.Vault);
        var server = rig.Vault!.Vault;
        var killed = await KillResolveWhenAsync(rig, "killed-early", Path.Combine(rig.Repo.Scratch, "deploy.env"), () => server.State.Leases.Active.Count >= 1);
        await rig.Cli.OkAsync("leases", "release", "--env", rig.Env, "--deployment", killed);
        Assert.Empty(server.State.Leases.Active);
    }

    /// <summary>Starts a resolve with the server 200 ms slow, SIGKILLs it as soon as <paramref name="condition"/> holds, and returns the deployment id.</summary>
    private async Task<string> KillResolveWhenAsync(DeploymentRig rig, string id, string outFile, Func<bool> condition)
    {
        var server = rig.Vault!.Vault;
        server.Faults.Latency = _latency;
        using var process = new Process { StartInfo = rig.Cli.StartInfo(["resolve", "--env", rig.Env, "--deployment", id, "--out", outFile]) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await ProcessRunner.WriteInputAsync(process, null);
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (process.HasExited)
            {
                Assert.Fail($"the resolve finished before the kill: exit {process.ExitCode}; {await stderr}");
            }

            Assert.True(watch.Elapsed < Cli.DefaultTimeout, "the resolve never reached the point to kill it at");
            await Task.Delay(5);
        }

        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        await Task.WhenAll(stdout, stderr);
        output.WriteLine($"SIGKILL after {watch.ElapsedMilliseconds} ms: exit {process.ExitCode}; stderr: {stderr.Result}");
        Assert.NotEqual(0, process.ExitCode);
        server.Faults.Latency = TimeSpan.Zero;
        return id;
    }

    /// <summary>The lease ids the ledger document of <paramref name="id"/> lists, read straight from the fake server's KV.</summary>
    private static IReadOnlyList<string> LedgerLeases(DeploymentRig rig, string id) =>
        rig.Vault!.Kv.Read($"secrets-pipeline/deployments/{rig.Env}/{id}")?["record"] is { } record
            ? [.. JsonNode.Parse(record)!["leases"]!.AsArray().Select(l => l!["lease_id"]!.GetValue<string>())]
            : [];
}
