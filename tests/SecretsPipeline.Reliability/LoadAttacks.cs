using System.Globalization;
using System.Text;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Reliability.Harness;
using SecretsPipeline.Reliability.Support;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.Reliability;

/// <summary>
/// Issue 9 "load", as users run it: the installed tool locks and resolves 10,000 secrets from one fake Vault, and 50
/// tool processes resolve at once against one fake Vault (each its own static values and its own dynamic credential).
/// Every run must finish, every output must hold exactly the right values, and each process's peak resident set
/// (GNU time's <c>%M</c>) must stay under <see cref="MemoryBoundMiB"/>, a bound on growth, not on speed.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class LoadAttacks(PackedToolFixture tool, ITestOutputHelper output)
{
    /// <summary>Well above the ~100-200 MiB a resolve of 10,000 takes, far below what holding responses unboundedly would cost.</summary>
    public const int MemoryBoundMiB = 512;

    [Fact]
    public async Task A_resolve_of_10_000_secrets_completes_correctly_in_bounded_memory()
    {
        var count = Attack.Settings.Count(full: 10_000, subset: 300);
        var attack = new Attack("load", $"resolve of {count:N0} secrets from one fake Vault (tool process; peak RSS < {MemoryBoundMiB} MiB)", output);
        await using var vault = await VaultRepo.StartAsync(tool, null);
        var expected = await PopulateAsync(vault, count, withDynamic: false);
        var problems = new Problems();
        var (locked, lockPeak) = await PeakRss.RunAsync(vault.Cli, "lock");
        problems.Check(locked.ExitCode == 0, $"lock failed: {locked.StdErr}");
        var outFile = Path.Combine(vault.Repo.Scratch, "load.env");
        var (resolved, resolvePeak) = await PeakRss.RunAsync(vault.Cli, "resolve", "--env", VaultRepo.Environment, "--out", outFile);
        problems.Check(resolved.ExitCode == 0, $"resolve failed: {resolved.StdErr}");
        CheckOutput(problems, outFile, expected, dynamic: false);
        foreach (var (what, peak) in new[] { ("lock", lockPeak), ("resolve", resolvePeak) })
        {
            problems.Check(peak is null or < MemoryBoundMiB, $"{what} of {count:N0} peaked at {peak:0} MiB", lost: "unbounded memory");
        }

        var note = $"lock {lockPeak:0} MiB, resolve {resolvePeak:0} MiB peak RSS; lock {locked.Elapsed.TotalSeconds:0.0} s, resolve {resolved.Elapsed.TotalSeconds:0.0} s";
        output.WriteLine(note);
        attack.Record($"{count} secrets: {note}", problems);
        attack.Complete(minimumTrials: 1);
    }

    [Fact]
    public async Task Fifty_concurrent_resolves_against_one_server_all_complete_correctly_in_bounded_memory()
    {
        var processes = Attack.Settings.Count(full: 50, subset: 4);
        const int Secrets = 100;
        var attack = new Attack("load", $"{processes} concurrent resolve processes against one fake Vault ({Secrets} static + 1 dynamic each, half of them one shared --deployment; peak RSS < {MemoryBoundMiB} MiB each)", output);
        await using var vault = await VaultRepo.StartAsync(tool, null);
        vault.Vault.State.Database.AddRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        var expected = await PopulateAsync(vault, Secrets, withDynamic: true);
        await vault.Cli.OkAsync("lock");
        var outFolder = Directory.CreateDirectory(Path.Combine(vault.Repo.Scratch, "concurrent")).FullName;

        // Even-numbered processes are replicas of one release (one deployment id, as the default ENV-<commit> would be),
        // the others each their own: replicas must neither fail on the shared ledger record nor drop each other's leases.
        var shared = Enumerable.Range(0, processes).Where(i => i % 2 == 0).ToArray();
        var runs = await Task.WhenAll(Enumerable.Range(0, processes).Select(i =>
            PeakRss.RunAsync(vault.Cli, "resolve", "--env", VaultRepo.Environment, "--deployment", i % 2 == 0 ? "load-shared" : $"load-{i}", "--out", Path.Combine(outFolder, $"r{i}.env"))));

        var passwords = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < processes; i++)
        {
            var (result, peak) = runs[i];
            var problems = new Problems();
            problems.Check(result.ExitCode == 0, $"exit {result.ExitCode}: {result.StdErr}", lost: "failed resolve");
            var values = CheckOutput(problems, Path.Combine(outFolder, $"r{i}.env"), expected, dynamic: true);
            problems.Check(values.TryGetValue("DB_PASSWORD", out var password) && passwords.Add(password), "the dynamic credential is missing or shared with another resolve", lost: "shared credential");
            problems.Check(peak is null or < MemoryBoundMiB, $"peaked at {peak:0} MiB", lost: "unbounded memory");
            attack.Record($"resolve {i} of {processes}: exit {result.ExitCode}, {peak:0} MiB, {result.Elapsed.TotalSeconds:0.0} s", problems);
        }

        var ledger = await vault.Cli.RunAsync("leases", "list", "--env", VaultRepo.Environment, "--deployment", "load-shared", "--json");
        var recorded = ledger.StdOut.Split("\"lease_id\"").Length - 1;
        var sharedProblems = new Problems();
        sharedProblems.Check(ledger.ExitCode == 0 && recorded == shared.Length, $"the shared deployment's ledger record lists {recorded} leases for {shared.Length} replicas (exit {ledger.ExitCode})", lost: "lease dropped from the ledger");
        attack.Record($"shared deployment of {shared.Length} replicas: {recorded} leases recorded", sharedProblems);

        var leases = vault.Vault.State.Leases.Active.Count;
        output.WriteLine($"{PeakRss.Describe(runs.Select(r => r.PeakMiB))}; {leases} active leases; slowest {runs.Max(r => r.Result.Elapsed.TotalSeconds):0.0} s");
        attack.Complete(minimumTrials: processes);
    }

    /// <summary>Writes <paramref name="count"/> KV paths and the manifest naming them; returns the expected values by name.</summary>
    private static async Task<Dictionary<string, string>> PopulateAsync(VaultRepo vault, int count, bool withDynamic)
    {
        await vault.InitAsync(StoryManifestHeader());
        var manifest = new StringBuilder(StoryManifestHeader());
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"S_{i:D5}");
            var value = $"load-{i}-{Guid.NewGuid():N}";
            vault.Put(string.Create(CultureInfo.InvariantCulture, $"{VaultRepo.Environment}/load/s{i}"), "value", value);
            manifest.Append(CultureInfo.InvariantCulture, $"  {name}: {{ ref: \"secret/${{env}}/load/s{i}#value\" }}\n");
            expected[name] = value;
        }

        if (withDynamic)
        {
            manifest.Append("  DB: { dynamic: \"database/creds/app\", ttl: 1h }\n");
        }

        vault.Repo.WriteManifest(manifest.ToString());
        return expected;
    }

    private static string StoryManifestHeader() =>
        $"version: 1\nstores:\n  prod: {{ type: vault }}\nenvironments:\n  {VaultRepo.Environment}: {{ store: prod }}\nsecrets:\n";

    private static Dictionary<string, string> CheckOutput(Problems problems, string outFile, Dictionary<string, string> expected, bool dynamic)
    {
        var values = File.Exists(outFile) ? Dotenv.Read(File.ReadAllBytes(outFile)) : [];
        var wrong = expected.Count(p => values.GetValueOrDefault(p.Key) != p.Value);
        problems.Check(wrong == 0, $"{wrong} of {expected.Count} values missing or wrong", lost: "wrong value");
        var extra = values.Count - expected.Count - (dynamic ? 2 : 0);
        problems.Check(extra == 0, $"{extra} unexpected variables");
        return values;
    }
}
