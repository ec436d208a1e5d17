using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Testing;
using SecretsPipeline.Vault.TestServer;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Issue 4, leases: the installed tool against the Vault-compatible test server and against the embedded store.
/// A resolve with a dynamic entry records its lease (id and expiry, never the credential) in the store's ledger;
/// <c>leases renew</c> extends it, <c>leases release</c> revokes it, and a promoted deployment revokes the leases of
/// the one it replaces, only once it is live.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class DeploymentLeaseTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Secrets = """
          API_KEY: { ref: "secret/${env}/api#key" }
          DB: { dynamic: "database/creds/app", ttl: 1h }

        """;

    [Theory]
    [InlineData(StoreKind.Embedded)]
    [InlineData(StoreKind.Vault)]
    public async Task A_resolve_records_its_lease_in_the_ledger_renew_extends_it_and_release_revokes_it_and_no_credential_is_stored(StoreKind kind)
    {
        await using var rig = await DeploymentRig.StartAsync(tool, output, kind);
        rig.AddRole("app", TimeSpan.FromHours(1));
        await rig.InitAsync(Secrets);
        await rig.PutAsync("api", "key", $"api-{Guid.NewGuid():N}");
        await rig.Cli.OkAsync("lock");
        await rig.Git.CommitAsync("v1");
        var head = await rig.HeadAsync();

        // Issue: one lease, under the default deployment id, in the server's lease table and in the ledger.
        var outFile = Path.Combine(rig.Repo.Scratch, "deploy.env");
        var before = DateTimeOffset.UtcNow;
        var resolve = await rig.Cli.OkAsync("resolve", "--env", rig.Env, "--out", outFile, "--json");
        var report = JsonNode.Parse(resolve.StdOut)!;
        var id = report["deployment"]!.GetValue<string>();
        Assert.Equal($"{rig.Env}-{head[..12]}", id);
        var leaseId = Assert.Single(report["leases"]!.AsArray())!["lease_id"]!.GetValue<string>();
        Assert.StartsWith("database/creds/app/", leaseId, StringComparison.Ordinal);
        Assert.Equal([leaseId], await rig.ActiveLeaseIdsAsync());

        var values = DeploymentRig.ParseDotenv(await File.ReadAllTextAsync(outFile));
        var username = values["DB_USERNAME"];
        var password = values["DB_PASSWORD"];
        Assert.True(password.Length >= 16, $"DB_PASSWORD '{password.Length}' characters");

        var deployment = await rig.DeploymentAsync(id);
        Assert.Equal("pending", deployment["state"]!.GetValue<string>());
        Assert.Equal(head, deployment["commit"]!.GetValue<string>());
        var lease = Assert.Single(deployment["leases"]!.AsArray())!;
        Assert.Equal(leaseId, lease["lease_id"]!.GetValue<string>());
        Assert.Equal("DB", lease["secret"]!.GetValue<string>());
        Assert.Equal("database/creds/app", lease["role"]!.GetValue<string>());
        Assert.False(lease["revoked"]!.GetValue<bool>());
        var expires = DeploymentRig.Time(lease["expires"]!);
        AssertNear(before + TimeSpan.FromHours(1), expires, TimeSpan.FromMinutes(1));
        if (rig.ServerLease(leaseId) is { } issued)
        {
            AssertNear(issued.ExpireTime, expires, TimeSpan.FromSeconds(5));
        }

        // Never the credential: not in what `leases list` prints, not in the ledger as stored, not in the audit trail.
        var stored = await rig.RawLedgerAndAuditAsync();
        Assert.Contains(leaseId, stored, StringComparison.Ordinal);
        foreach (var text in new[] { (await rig.Cli.OkAsync("leases", "list", "--env", rig.Env, "--json")).StdOut, (await rig.Cli.OkAsync("leases", "list", "--env", rig.Env)).StdOut, stored, resolve.StdOut + resolve.StdErr })
        {
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
            Assert.DoesNotContain(username, text, StringComparison.Ordinal);
        }

        // Renew: the ledger and the server both move the expiry to now + the increment.
        var renewedAt = DateTimeOffset.UtcNow;
        await rig.Cli.OkAsync("leases", "renew", "--env", rig.Env, "--deployment", id, "--increment", "2h");
        var renewed = DeploymentRig.Time((await rig.DeploymentAsync(id))["leases"]![0]!["expires"]!);
        AssertNear(renewedAt + TimeSpan.FromHours(2), renewed, TimeSpan.FromMinutes(1));
        Assert.True(renewed > expires + TimeSpan.FromMinutes(50), $"renew moved the expiry from {expires:O} to {renewed:O} only");
        if (rig.ServerLease(leaseId) is { } extended)
        {
            AssertNear(extended.ExpireTime, renewed, TimeSpan.FromSeconds(5));
        }
        else
        {
            AssertNear(await rig.EmbeddedExpiryAsync(leaseId), renewed, TimeSpan.FromSeconds(1));
        }

        Assert.Equal([leaseId], await rig.ActiveLeaseIdsAsync());

        // Release: zero active leases, the ledger says so, and a second release is harmless.
        await rig.Cli.OkAsync("leases", "release", "--env", rig.Env, "--deployment", id);
        Assert.Empty(await rig.ActiveLeaseIdsAsync());
        var released = await rig.DeploymentAsync(id);
        Assert.Equal("released", released["state"]!.GetValue<string>());
        Assert.True(released["leases"]![0]!["revoked"]!.GetValue<bool>());
        await rig.Cli.OkAsync("leases", "release", "--env", rig.Env, "--deployment", id);
        Assert.Empty(await rig.ActiveLeaseIdsAsync());

        // An unknown deployment is refused by name.
        var unknown = await rig.Cli.RunAsync("leases", "release", "--env", rig.Env, "--deployment", "no-such-deployment");
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("SPL3016", unknown.StdErr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StoreKind.Embedded)]
    [InlineData(StoreKind.Vault)]
    public async Task A_promoted_deployment_revokes_the_leases_of_the_one_it_replaces_and_none_before_it_is_live(StoreKind kind)
    {
        await using var rig = await DeploymentRig.StartAsync(tool, output, kind);
        rig.AddRole("app", TimeSpan.FromHours(1));
        await rig.InitAsync(Secrets);
        await rig.PutAsync("api", "key", $"api-{Guid.NewGuid():N}");
        await rig.Cli.OkAsync("lock");
        await rig.Git.CommitAsync("v1", "v1");

        // v1 deployed and promoted.
        var v1 = await rig.DeployAsync(promote: true);
        Assert.Equal(v1.Leases, await rig.ActiveLeaseIdsAsync());
        Assert.Equal("live", (await rig.DeploymentAsync(v1.Id))["state"]!.GetValue<string>());

        // v2 resolved, not yet promoted: both sets of leases are active, v1 is still the live one.
        await rig.Git.RunAsync("commit", "-q", "--allow-empty", "-m", "v2");
        var v2 = await rig.DeployAsync(promote: false);
        Assert.NotEqual(v1.Id, v2.Id);
        Assert.Equal(v1.Leases.Concat(v2.Leases).Order(StringComparer.Ordinal), (await rig.ActiveLeaseIdsAsync()).Order(StringComparer.Ordinal));
        Assert.Equal("live", (await rig.DeploymentAsync(v1.Id))["state"]!.GetValue<string>());
        Assert.Equal("pending", (await rig.DeploymentAsync(v2.Id))["state"]!.GetValue<string>());

        // Promote v2: now, and only now, v1's leases go.
        await rig.Cli.OkAsync("promote", "--env", rig.Env, "--deployment", v2.Id);
        Assert.Equal(v2.Leases, await rig.ActiveLeaseIdsAsync());
        var old = await rig.DeploymentAsync(v1.Id);
        Assert.Equal("superseded", old["state"]!.GetValue<string>());
        Assert.Equal(v2.Id, old["superseded_by"]!.GetValue<string>());
        Assert.All(old["leases"]!.AsArray(), l => Assert.True(l!["revoked"]!.GetValue<bool>()));
        Assert.Equal("live", (await rig.DeploymentAsync(v2.Id))["state"]!.GetValue<string>());

        // v3 with `resolve --promote`: v2's leases are revoked, and (where the store keeps history) only after v3 was live.
        await rig.Git.RunAsync("commit", "-q", "--allow-empty", "-m", "v3");
        var v3 = await rig.DeployAsync(promote: true);
        Assert.Equal(v3.Leases, await rig.ActiveLeaseIdsAsync());
        Assert.Equal("superseded", (await rig.DeploymentAsync(v2.Id))["state"]!.GetValue<string>());
        if (rig.Vault is { } vault)
        {
            var liveSince = rig.LedgerHistory(v3.Id).First(r => r.State == "live").Written;
            foreach (var leaseId in v2.Leases)
            {
                var revokedAt = vault.Vault.State.Leases.Find(leaseId)!.RevokedAt;
                Assert.True(revokedAt >= liveSince, $"{leaseId} of v2 was revoked at {revokedAt:O}, before v3 was marked live at {liveSince:O}");
            }
        }
    }

    [Fact]
    public async Task A_vault_lease_gets_the_ttl_pinned_in_the_lock_not_the_roles_default()
    {
        await using var rig = await DeploymentRig.StartAsync(tool, output, StoreKind.Vault);
        rig.AddRole("app", TimeSpan.FromHours(1));
        await rig.InitAsync("""
              API_KEY: { ref: "secret/${env}/api#key" }
              DB: { dynamic: "database/creds/app", ttl: 10m }

            """);
        await rig.PutAsync("api", "key", "api-value");
        await rig.Cli.OkAsync("lock");
        await rig.Git.CommitAsync("v1");
        var deployed = await rig.DeployAsync(promote: false);
        var lease = rig.ServerLease(Assert.Single(deployed.Leases))!;
        AssertNear(lease.IssueTime + TimeSpan.FromMinutes(10), lease.ExpireTime, TimeSpan.FromSeconds(5));
    }

    private static void AssertNear(DateTimeOffset expected, DateTimeOffset actual, TimeSpan tolerance) =>
        Assert.True((actual - expected).Duration() <= tolerance, $"expected about {expected:O} (± {tolerance}), got {actual:O}");
}

public enum StoreKind
{
    Embedded,
    Vault,
}

/// <summary>
/// A repository on either store, with what the lease tests need: the tool with the store's variables, static values
/// put the way an operator would, the active leases as the store itself knows them (the fake server's lease table,
/// or the embedded store's <c>leases</c> table read with the <c>sqlite3</c> CLI), and the ledger as <c>leases list --json</c> prints it.
/// </summary>
internal sealed partial class DeploymentRig : IAsyncDisposable
{
    private DeploymentRig(StoreKind kind, TestRepo repo, VaultRepo? vault, Cli cli)
    {
        Kind = kind;
        Repo = repo;
        Vault = vault;
        Cli = cli;
    }

    public StoreKind Kind { get; }

    public TestRepo Repo { get; }

    /// <summary>The fake Vault server and its repository, for <see cref="StoreKind.Vault"/>.</summary>
    public VaultRepo? Vault { get; }

    public Cli Cli { get; }

    public Git Git => Repo.Git;

    public string Env => Kind == StoreKind.Vault ? VaultRepo.Environment : TestRepo.Environment;

    public string StoreDatabase => Path.Combine(Repo.Path, ".secrets-pipeline", "store.db");

    public static async Task<DeploymentRig> StartAsync(PackedToolFixture tool, ITestOutputHelper output, StoreKind kind, FakeVaultOptions? options = null)
    {
        if (kind == StoreKind.Vault)
        {
            var vault = await VaultRepo.StartAsync(tool, output, options);
            return new DeploymentRig(kind, vault.Repo, vault, vault.Cli);
        }

        var repo = new TestRepo(tool, output);
        return new DeploymentRig(kind, repo, null, repo.Cli);
    }

    /// <summary>A manifest of this rig's store and environment with <paramref name="secrets"/> (indented entries) under <c>secrets:</c>.</summary>
    public string Manifest(string secrets) =>
        $"version: 1\nstores:\n  {(Kind == StoreKind.Vault ? "prod: { type: vault }" : "dev: { type: local }")}\n" +
        $"environments:\n  {Env}: {{ store: {(Kind == StoreKind.Vault ? "prod" : "dev")} }}\nsecrets:\n{secrets.ReplaceLineEndings("\n")}";

    public async Task InitAsync(string secrets)
    {
        await Git.InitAsync();
        await Cli.OkAsync("init");
        Repo.WriteManifest(Manifest(secrets));
    }

    /// <summary>A database role on the fake server (the embedded store issues from any role path).</summary>
    public void AddRole(string name, TimeSpan defaultTtl) => Vault?.Vault.State.Database.AddRole(name, defaultTtl, TimeSpan.FromHours(24));

    /// <summary>A new version of <c>secret/ENV/PATH#FIELD</c>, as an operator writes it; returns its number.</summary>
    public async Task<int> PutAsync(string path, string field, string value)
    {
        if (Vault is { } vault)
        {
            return vault.Put($"{Env}/{path}", field, value);
        }

        var result = await Cli.RunWithInputAsync(value + "\n", "store", "put", $"secret/{Env}/{path}#{field}", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        return int.Parse(JsonNode.Parse(result.StdOut)!["version"]!.GetValue<string>(), CultureInfo.InvariantCulture);
    }

    /// <summary>Every version of <c>secret/ENV/PATH#FIELD</c> with its state (active, deleted, destroyed), as the store keeps it.</summary>
    public async Task<IReadOnlyList<(string Version, string State)>> VersionsAsync(string path, string field)
    {
        if (Vault is { } vault)
        {
            var now = vault.Vault.State.Now;
            var key = vault.Kv.GetKey($"{Env}/{path}");
            return key is null
                ? []
                : [.. key.Versions.Select(v => (v.Version.ToString(CultureInfo.InvariantCulture), v.Destroyed ? "destroyed" : v.DeletionTime is { } deleted && deleted <= now ? "deleted" : "active"))];
        }

        var result = await Cli.OkAsync("store", "versions", $"secret/{Env}/{path}#{field}", "--json");
        return [.. JsonNode.Parse(result.StdOut)!["versions"]!.AsArray().Select(v => (v!["version"]!.GetValue<string>(), v["state"]!.GetValue<string>()))];
    }

    public async Task<string> HeadAsync() => (await Git.RunAsync("rev-parse", "HEAD")).StdOut.Trim();

    /// <summary>Leases the store considers active (not revoked, not expired), sorted.</summary>
    public async Task<IReadOnlyList<string>> ActiveLeaseIdsAsync()
    {
        if (Vault is { } vault)
        {
            return [.. vault.Vault.State.Leases.Active.Select(l => l.LeaseId).Order(StringComparer.Ordinal)];
        }

        if (!File.Exists(StoreDatabase))
        {
            return [];
        }

        var now = DateTimeOffset.UtcNow;
        var rows = await SqliteAsync("SELECT lease_id, expires FROM leases WHERE revoked_at IS NULL ORDER BY lease_id");
        return [.. rows.Where(r => Time(r[1]) > now).Select(r => r[0])];
    }

    /// <summary>The embedded store's own expiry of a lease.</summary>
    public async Task<DateTimeOffset> EmbeddedExpiryAsync(string leaseId) =>
        Time(Assert.Single(await SqliteAsync($"SELECT expires FROM leases WHERE lease_id = '{leaseId}'"))[0]);

    /// <summary>The fake server's view of a lease (null on the embedded store).</summary>
    public LeaseInfo? ServerLease(string leaseId) => Vault?.Vault.State.Leases.Find(leaseId);

    /// <summary>Every deployment of the environment, as <c>leases list --json</c> prints them.</summary>
    public async Task<IReadOnlyList<JsonNode>> DeploymentsAsync()
    {
        var list = await Cli.OkAsync("leases", "list", "--env", Env, "--json");
        return [.. JsonNode.Parse(list.StdOut)!["deployments"]!.AsArray().Select(d => d!)];
    }

    /// <summary>One deployment, as <c>leases list --deployment ID --json</c> prints it.</summary>
    public async Task<JsonNode> DeploymentAsync(string id)
    {
        var list = await Cli.OkAsync("leases", "list", "--env", Env, "--deployment", id, "--json");
        return Assert.Single(JsonNode.Parse(list.StdOut)!["deployments"]!.AsArray())!;
    }

    /// <summary><c>resolve</c> (optionally <c>--promote</c>) of HEAD to a scratch file; returns its deployment id, lease ids and outputs.</summary>
    public async Task<Deployed> DeployAsync(bool promote, string? deployment = null)
    {
        var outFile = Path.Combine(Repo.Scratch, $"deploy-{Guid.NewGuid():N}.env");
        string[] arguments = ["resolve", "--env", Env, "--out", outFile, "--json", .. promote ? ["--promote"] : Array.Empty<string>(), .. deployment is null ? [] : new[] { "--deployment", deployment }];
        var report = JsonNode.Parse((await Cli.OkAsync(arguments)).StdOut)!;
        var leases = report["leases"]!.AsArray().Select(l => l!["lease_id"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToArray();
        return new Deployed(report["deployment"]!.GetValue<string>(), leases, ParseDotenv(await File.ReadAllTextAsync(outFile)));
    }

    /// <summary>Everything the store keeps about deployments and audit, as stored: the embedded store's tables, or Vault's KV documents.</summary>
    public async Task<string> RawLedgerAndAuditAsync()
    {
        if (Vault is { } vault)
        {
            var kv = vault.Kv;
            return string.Join('\n', kv.Paths.Where(p => p.StartsWith("secrets-pipeline/", StringComparison.Ordinal)).Select(p => kv.Read(p)?.Data?.ToJsonString()));
        }

        var rows = await SqliteAsync("SELECT json FROM deployments UNION ALL SELECT json FROM audit UNION ALL SELECT lease_id || ' ' || role FROM leases");
        return string.Join('\n', rows.Select(r => r[0]));
    }

    /// <summary>Every version of a deployment's ledger document in Vault: when it was written and the state it recorded.</summary>
    public IReadOnlyList<(DateTimeOffset Written, string State)> LedgerHistory(string id)
    {
        var key = Vault!.Kv.GetKey($"secrets-pipeline/deployments/{Env}/{id}") ?? throw new InvalidOperationException($"no ledger document for {id}");
        return [.. key.Versions.Where(v => v.Data is not null).Select(v => (v.CreatedTime, JsonNode.Parse(v["record"]!)!["state"]!.GetValue<string>()))];
    }

    /// <summary>Runs <paramref name="sql"/> against the embedded store with the sqlite3 CLI; rows of '|'-separated columns.</summary>
    public async Task<IReadOnlyList<string[]>> SqliteAsync(string sql)
    {
        var info = ProcessRunner.StartInfo("sqlite3", ["-batch", "-separator", "|", StoreDatabase, sql], Repo.Path, null, ChildEnvironment.EndToEnd);
        var result = await ProcessRunner.RunAsync(info, null, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"sqlite3 {sql}: {result}");
        return [.. result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('|'))];
    }

    public static DateTimeOffset Time(JsonNode node) => Time(node.GetValue<string>());

    public static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static Dictionary<string, string> ParseDotenv(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => DotenvLine().Match(l))
            .Where(m => m.Success)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

    public async ValueTask DisposeAsync()
    {
        if (Vault is not null)
        {
            await Vault.DisposeAsync();
        }
        else
        {
            Repo.Dispose();
        }
    }

    [GeneratedRegex("^([A-Z0-9_]+)=\"(.*)\"$")]
    private static partial Regex DotenvLine();

    /// <summary>One resolve: its deployment id, the ids of the leases it issued (sorted), and the values it wrote.</summary>
    public sealed record Deployed(string Id, IReadOnlyList<string> Leases, IReadOnlyDictionary<string, string> Values);
}
