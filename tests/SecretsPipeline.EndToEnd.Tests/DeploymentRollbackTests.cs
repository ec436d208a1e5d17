using System.Text.Json.Nodes;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Issue 4, the rollback story with a dynamic entry: deploy v1, rotate and deploy v2 (v1's leases revoked once v2 is
/// promoted), <c>git revert</c> to v1's pins and deploy: the static value is v1's again, and the new lease comes from
/// the role and with the ttl that v1 pinned, not v2's.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class DeploymentRollbackTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string V1Secrets = """
          ADMIN_PASSWORD: { ref: "secret/${env}/app/db#password" }
          DB: { dynamic: "database/creds/app", ttl: 1h }

        """;

    private const string V2Secrets = """
          ADMIN_PASSWORD: { ref: "secret/${env}/app/db#password" }
          DB: { dynamic: "database/creds/app-v2", ttl: 2h }

        """;

    [Theory]
    [InlineData(StoreKind.Embedded)]
    [InlineData(StoreKind.Vault)]
    public async Task Reverting_to_v1_issues_new_leases_from_v1s_role_and_ttl_after_v2_superseded_v1s_leases(StoreKind kind)
    {
        await using var rig = await DeploymentRig.StartAsync(tool, output, kind);
        // Both roles default to 4h: the 1h and 2h leases below come from the terms each release pinned.
        rig.AddRole("app", TimeSpan.FromHours(4));
        rig.AddRole("app-v2", TimeSpan.FromHours(4));
        await rig.InitAsync(V1Secrets);
        var password1 = $"db-v1-{Guid.NewGuid():N}";
        await rig.PutAsync("app/db", "password", password1);
        await rig.Cli.OkAsync("lock");
        await rig.Git.CommitAsync("v1", "v1");

        // Deploy v1.
        var v1 = await rig.DeployAsync(promote: true);
        Assert.Equal(password1, v1.Values["ADMIN_PASSWORD"]);
        Assert.StartsWith("database/creds/app/", Assert.Single(v1.Leases), StringComparison.Ordinal);
        Assert.Equal(v1.Leases, await rig.ActiveLeaseIdsAsync());

        // v2: new lease terms (another role, a longer ttl) and a rotated password, in one commit.
        rig.Repo.WriteManifest(rig.Manifest(V2Secrets));
        await rig.Cli.OkAsync("lock");
        var rotate = JsonNode.Parse((await rig.Cli.OkAsync("rotate", "ADMIN_PASSWORD", "--env", rig.Env, "--generate", "24", "--json")).StdOut)!;
        Assert.Equal("2", rotate["new_version"]!.GetValue<string>());
        await rig.Git.CommitAsync("v2: rotate ADMIN_PASSWORD, new lease terms", "v2");

        // Deploy v2: v1's leases are revoked once v2 is live.
        var v2 = await rig.DeployAsync(promote: true);
        Assert.NotEqual(password1, v2.Values["ADMIN_PASSWORD"]);
        Assert.Equal(24, v2.Values["ADMIN_PASSWORD"].Length);
        Assert.StartsWith("database/creds/app-v2/", Assert.Single(v2.Leases), StringComparison.Ordinal);
        Assert.Equal(v2.Leases, await rig.ActiveLeaseIdsAsync());
        Assert.Equal("superseded", (await rig.DeploymentAsync(v1.Id))["state"]!.GetValue<string>());
        AssertExpiresAfter(await rig.DeploymentAsync(v2.Id), TimeSpan.FromHours(2));

        // Roll back with git and deploy: v1's value, a new lease from v1's role with v1's ttl; v2's leases revoked.
        await rig.Git.RevertHeadAsync();
        var before = DateTimeOffset.UtcNow;
        var reverted = await rig.DeployAsync(promote: true);
        Assert.NotEqual(v1.Id, reverted.Id);
        Assert.Equal(password1, reverted.Values["ADMIN_PASSWORD"]);
        var lease = Assert.Single(reverted.Leases);
        Assert.StartsWith("database/creds/app/", lease, StringComparison.Ordinal);
        Assert.DoesNotContain(lease, v1.Leases);
        Assert.Equal(reverted.Leases, await rig.ActiveLeaseIdsAsync());
        var record = await rig.DeploymentAsync(reverted.Id);
        Assert.Equal("live", record["state"]!.GetValue<string>());
        Assert.Equal("database/creds/app", record["leases"]![0]!["role"]!.GetValue<string>());
        AssertExpiresAfter(record, TimeSpan.FromHours(1), before);
        if (rig.ServerLease(lease) is { } issued)
        {
            Assert.InRange(issued.ExpireTime - issued.IssueTime, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        }

        var superseded = await rig.DeploymentAsync(v2.Id);
        Assert.Equal("superseded", superseded["state"]!.GetValue<string>());
        Assert.Equal(reverted.Id, superseded["superseded_by"]!.GetValue<string>());

        // v2's release is still there to go forward again.
        var atV2 = await rig.Cli.OkAsync("resolve", "--env", rig.Env, "--at", "v2", "--deployment", "forward-check");
        Assert.Contains($"ADMIN_PASSWORD=\"{v2.Values["ADMIN_PASSWORD"]}\"", atV2.StdOut, StringComparison.Ordinal);
        await rig.Cli.OkAsync("leases", "release", "--env", rig.Env, "--deployment", "forward-check");
        Assert.Equal(reverted.Leases, await rig.ActiveLeaseIdsAsync());
    }

    /// <summary>The record's single lease expires <paramref name="ttl"/> after <paramref name="from"/> (default: when it was last updated), within a minute.</summary>
    private static void AssertExpiresAfter(JsonNode record, TimeSpan ttl, DateTimeOffset? from = null)
    {
        var expires = DeploymentRig.Time(record["leases"]![0]!["expires"]!);
        var start = from ?? DeploymentRig.Time(record["updated"]!);
        Assert.InRange(expires - start, ttl - TimeSpan.FromMinutes(1), ttl + TimeSpan.FromMinutes(1));
    }
}
