using System.Text;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Reliability.Harness;
using SecretsPipeline.Reliability.Support;
using SecretsPipeline.Vault;
using SecretsPipeline.Vault.Auth;
using SecretsPipeline.Vault.Http;
using SecretsPipeline.Vault.TestServer;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.Reliability;

/// <summary>
/// Design §5 "clear errors", property-based: seeded mutations of valid manifests, locks and Vault answers. Every
/// input is accepted or refused with our coded exception, one line, never another exception, never a hang.
/// </summary>
[Collection(InProcessCollection.Name)]
public sealed class BadInputAttacks(ITestOutputHelper output)
{
    private static readonly string[] _manifests =
    [
        """
        version: 1
        stores:
          dev: { type: local }
          vault: { type: vault, address: "https://vault.example.com:8200", namespace: team-a }
        environments:
          development: { store: dev }
          production: { store: vault }
        secrets:
          DB_PASSWORD: { ref: "secret/${env}/app/db#password" }
          STRIPE_KEY: { ref: "secret/${env}/payments#stripe" }
          DB: { dynamic: "database/creds/app", ttl: 1h, max_ttl: 24h, fields: [username, password] }

        """,
        """
        version: 1
        stores:
          prod:
            type: vault
            auth: jwt
            role: deploy
            transit_key: locks
        environments:
          production:
            store: prod
        secrets:
          API_KEY:
            ref: "kv/team/${env}/api#key"
            mount: kv/team
          REPORTS: { dynamic: "database/creds/reports", ttl: 30m }

        """,
        "version: 1\nstores: {}\nenvironments: {}\nsecrets: {}\n",
        "a: &a [x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: &d [*c, *c, *c, *c]\ne: [*d, *d, *d, *d]\n",
        "version: 1\nsecrets:\n  A: &x { ref: \"s/p#k\" }\n  B: *x\n  <<: *x\n",
    ];

    [Fact]
    public async Task Mutated_manifests_are_parsed_or_refused_with_a_coded_located_message()
    {
        var attack = new Attack("bad input", "fuzzed secrets.yaml through the manifest parser", output);
        var count = Attack.Settings.Count(full: 40_000, subset: 1_500);
        for (var i = 0; i < count; i++)
        {
            var text = i % 50 == 49 ? Deep(attack.Random) : Mutator.Text(attack.Random, _manifests[attack.Random.Next(_manifests.Length)]);
            var problems = await Watchdog.CodedOrAcceptedAsync(() => Task.FromResult(ManifestParser.Parse("secrets.yaml", text)), "SPL1");
            attack.Record($"manifest input {i} ({Describe(text)})", problems);
        }

        attack.Complete(minimumTrials: count);
    }

    [Fact]
    public async Task Mutated_locks_are_parsed_or_refused_with_a_coded_message()
    {
        using var signed = await SignedLock.CreateAsync();
        var attack = new Attack("bad input", "fuzzed secrets.lock.json through the lock parser and verifier", output);
        var count = Attack.Settings.Count(full: 40_000, subset: 1_500);
        var small = Encoding.UTF8.GetBytes("{\n  \"environments\": {},\n  \"lock_version\": 1,\n  \"manifest_digest\": \"sha256:00\",\n  \"signatures\": []\n}\n");
        for (var i = 0; i < count; i++)
        {
            var bytes = i % 50 == 49
                ? Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[", attack.Random.Next(10, 100_000))))
                : Mutator.Bytes(attack.Random, attack.Random.Next(4) == 0 ? small : signed.Bytes);
            var problems = await Watchdog.CodedOrAcceptedAsync(() => signed.VerifyAsync(bytes), "SPL2");
            attack.Record($"lock input {i} ({bytes.Length} bytes)", problems);
        }

        attack.Complete(minimumTrials: count);
    }

    [Fact]
    public async Task Mutated_Vault_answers_are_read_or_refused_with_a_coded_message()
    {
        var attack = new Attack("bad input", "fuzzed Vault answers (KV v2, metadata, leases, transit, ledger) through the Vault store", output);
        await using var server = await FakeVaultServer.StartAsync(new FakeVaultOptions { RootToken = "fuzz-root" });
        var kv = server.State.Kv("secret");
        for (var v = 0; v < 3; v++)
        {
            kv.Write("production/app/db", new Dictionary<string, string> { ["password"] = $"pw-{v}", ["user"] = "app" });
        }

        server.State.Database.AddRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        server.State.Transit.CreateKey("fingerprints");
        var handler = new MutatingHandler(attack.Random, new SocketsHttpHandler());
        var options = new VaultClientOptions { Address = server.Address, MaxRetries = 1, RetryWaitMin = TimeSpan.Zero, RetryWaitMax = TimeSpan.Zero, Timeout = TimeSpan.FromSeconds(30) };
        using var client = new VaultHttpClient(options, new TokenAuth("fuzz-root"), handler);
        var honest = new VaultStore(new VaultHttpClient(options, new TokenAuth("fuzz-root")), "fingerprints");
        var lease = await honest.IssueLeaseAsync("database/creds/app", new LeaseTerms(TimeSpan.FromHours(1), null), CancellationToken.None);
        var secretRef = new SecretRef("secret", "production/app/db", "password");
        Func<VaultStore, Task>[] operations =
        [
            s => s.GetCurrentAsync(secretRef, CancellationToken.None),
            s => s.ReadAsync(secretRef, "2", CancellationToken.None),
            s => s.ListVersionsAsync(secretRef, CancellationToken.None),
            s => s.OutlookAsync(secretRef, "1", CancellationToken.None),
            s => s.WriteAsync(new SecretRef("secret", "production/other", "value"), "v", null, CancellationToken.None),
            s => s.IssueLeaseAsync("database/creds/app", new LeaseTerms(TimeSpan.FromMinutes(30), TimeSpan.FromHours(2)), CancellationToken.None),
            s => s.RenewLeaseAsync(lease.LeaseId, TimeSpan.FromMinutes(10), CancellationToken.None),
            s => s.FingerprintAsync(secretRef, new SecretValue("pw-1", new SecretVersionInfo("1", DateTimeOffset.UnixEpoch)), CancellationToken.None),
            s => s.GetDeploymentAsync("d1", CancellationToken.None),
            s => s.ListDeploymentsAsync("production", CancellationToken.None),
            s => s.LastAsync(CancellationToken.None),
            s => s.ReadAllAsync(CancellationToken.None),
        ];
        var count = Attack.Settings.Count(full: 25_000, subset: 600);
        for (var i = 0; i < count; i++)
        {
            var store = new VaultStore(client, "fingerprints", detectMounts: attack.Random.Next(4) == 0);
            var operation = attack.Random.Next(operations.Length);
            var problems = await Watchdog.CodedOrAcceptedAsync(() => operations[operation](store), "SPL");
            attack.Record($"Vault input {i} (operation {operation})", problems);
        }

        output.WriteLine($"{handler.Mutated} Vault answers rewritten");
        attack.Complete(minimumTrials: count);
    }

    /// <summary>Deeply nested flow or block YAML, the input that overflows recursive readers.</summary>
    private static string Deep(Random random)
    {
        var depth = random.Next(100, 20_000);
        return random.Next(2) == 0
            ? "version: 1\nsecrets: " + new string('[', depth) + new string(']', depth) + "\n"
            : "version: 1\nsecrets:\n" + string.Concat(Enumerable.Range(0, Math.Min(depth, 2_000)).Select(d => new string(' ', 2 * (d + 1)) + $"k{d}:\n"));
    }

    private static string Describe(string text) =>
        text.Length <= 60 ? text.Replace("\n", "\\n", StringComparison.Ordinal) : $"{text.Length} chars: {text[..60].Replace("\n", "\\n", StringComparison.Ordinal)}…";
}
