using System.Text.RegularExpressions;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Reliability.Harness;
using SecretsPipeline.Reliability.Support;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.Reliability;

/// <summary>
/// Design §5 "no leaks", as users run it: every command of <c>secrets-pipeline --help</c> in its text and <c>--json</c>
/// form, <c>resolve</c> through every format and mode, on the happy path and the error paths (Vault 403 and 503
/// mid-resolve, a tampered lock, a broken manifest, a NUL value, a revoked version), against the fake Vault and the
/// embedded store, with marked values. After each run, standard output (outside what was asked for), standard error,
/// every file of the repository, the home and the scratch folder (outside the <c>--out</c> targets and the runner's
/// files) and the audit trail are grepped for every value. <c>store get</c> prints a value by design and is left out.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed partial class NoLeakAttacks(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string ExcludedNote = "`store get` excluded: it prints a value by design";

    [Fact]
    public async Task Every_command_format_and_error_path_against_Vault_keeps_every_value_where_it_was_asked_for()
    {
        var attack = new Attack("no leak", $"every command × format × error path, fake Vault ({ExcludedNote})", output);
        await using var vault = await VaultRepo.StartAsync(tool, null);
        var server = vault.Vault;
        server.State.Database.AddRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        await vault.InitAsync(Manifest("prod: { type: vault }", VaultRepo.Environment, "prod") + "  DB: { dynamic: \"database/creds/app\", ttl: 1h }\n");
        var env = VaultRepo.Environment;
        var scratch = vault.Repo.Scratch;
        var matrix = new LeakMatrix(env, scratch);
        var rig = new LeakRig(
            attack, vault.Cli, [vault.Repo.Path, vault.Repo.Home, scratch], [matrix.OutFolder, matrix.RunnerFolder],
            () => server.State.Leases.All.SelectMany(l => l.Data.Values).Append(vault.Token),
            () => VaultAudit(vault));
        vault.Put($"{env}/api", "key", rig.NewValue("api"));
        vault.Put($"{env}/payments", "stripe", rig.NewValue("stripe"));
        await vault.Cli.OkAsync("lock");
        await vault.Git.CommitAsync("v1", "v1");

        // A fault on one of the reads a resolve needs (a fault after delivery, in the audit record, is recovered from
        // by design, and the all-or-nothing row attacks those); the others may already have been answered.
        string[] reads = [$"secret/data/{env}/api", $"secret/data/{env}/payments", "database/creds/app"];
        var noRetry = new Dictionary<string, string?> { ["VAULT_MAX_RETRIES"] = "0" };
        LeakPath MidResolve(int status) => new($"Vault {status} mid-resolve", Expect.Failure)
        {
            Environment = noRetry,
            ExtraArguments = status == 503 ? ["--verbose"] : [],
            Arrange = () => Do(() => server.Faults.FailNext(1, status, reads[attack.Random.Next(reads.Length)])),
            Restore = () => Do(server.Faults.Clear),
        };
        LeakPath Down(int status) => new($"Vault answers {status}", Expect.Any)
        {
            Environment = noRetry,
            Arrange = () => Do(() => server.Faults.FailNext(10_000, status)),
            Restore = () => Do(server.Faults.Clear),
        };

        var trials = new List<LeakTrial>();
        var ok = new LeakPath("ok", Expect.Success);
        trials.AddRange(CommonCommands(matrix, rig, ok, env));
        foreach (var deployment in new[] { "live-text", "live-json" })
        {
            string[] resolve = ["resolve", "--env", env, "--deployment", deployment, "--out", Path.Combine(matrix.OutFolder, deployment + ".env")];
            trials.Add(new LeakTrial($"resolve --deployment {deployment}", deployment.EndsWith("json", StringComparison.Ordinal) ? [.. resolve, "--json"] : resolve, Expect.Success));
            trials.AddRange(matrix.Command(ok, ["promote", "--env", env, "--deployment", deployment], expect: Expect.Any));
            trials.AddRange(matrix.Command(ok, ["leases", "list", "--env", env, "--deployment", deployment], expect: Expect.Any));
            trials.AddRange(matrix.Command(ok, ["leases", "renew", "--env", env, "--deployment", deployment], expect: Expect.Any));
        }

        trials.AddRange(matrix.Command(ok, ["leases", "release", "--env", env, "--deployment", "live-text"], expect: Expect.Any));
        trials.AddRange(matrix.Command(ok, ["store", "list", "--env", env], expect: Expect.Any));
        foreach (var path in new[] { MidResolve(403), MidResolve(503), Tampered(vault.LockPath), BrokenManifest(vault.Repo.ManifestPath) })
        {
            trials.AddRange(matrix.Resolve(path));
        }

        foreach (var path in new[] { Down(403), Down(503), Tampered(vault.LockPath) with { Expect = Expect.Any }, BrokenManifest(vault.Repo.ManifestPath) with { Expect = Expect.Any } })
        {
            trials.AddRange(FailingCommands(matrix, rig, path, env));
        }

        trials.AddRange(NulValue(matrix, rig, env, value => Do(() => vault.Put($"{env}/api", "key", value))));
        trials.AddRange(Revoked(matrix, rig, env));

        await RunAsync(rig, trials);
        attack.Complete(minimumTrials: Attack.Settings.Count(full: 200, subset: SubsetPerStore));
    }

    [Fact]
    public async Task Every_command_format_and_error_path_on_the_embedded_store_keeps_every_value_where_it_was_asked_for()
    {
        var attack = new Attack("no leak", $"every command × format × error path, embedded store ({ExcludedNote})", output);
        using var repo = new TestRepo(tool);
        var env = TestRepo.Environment;
        await repo.InitAsync(Manifest("dev: { type: local }", env, "dev"));
        var scratch = repo.Scratch;
        var matrix = new LeakMatrix(env, scratch);
        var rig = new LeakRig(attack, repo.Cli, [repo.Path, repo.Home, scratch], [matrix.OutFolder, matrix.RunnerFolder], () => [], () => []);
        await repo.Cli.PutAsync(ApiRef(env), rig.NewValue("api"));
        await repo.Cli.PutAsync($"secret/{env}/payments#stripe", rig.NewValue("stripe"));
        await repo.Cli.OkAsync("lock");
        await repo.Git.CommitAsync("v1", "v1");

        var trials = new List<LeakTrial>();
        var ok = new LeakPath("ok", Expect.Success);
        trials.AddRange(CommonCommands(matrix, rig, ok, env));
        trials.AddRange(matrix.Command(ok, ["store", "list"]));
        trials.AddRange(matrix.Command(ok, ["store", "versions", ApiRef(env)]));
        trials.AddRange(matrix.Command(ok, ["store", "put", ApiRef(env)], input: () => rig.NewValue("put") + "\n"));
        trials.AddRange(matrix.Command(ok, ["leases", "list", "--env", env], expect: Expect.Any));
        trials.AddRange(matrix.Command(ok, ["promote", "--env", env, "--deployment", "none"], expect: Expect.Any));
        foreach (var path in new[] { Tampered(repo.LockPath), BrokenManifest(repo.ManifestPath) })
        {
            trials.AddRange(matrix.Resolve(path));
            trials.AddRange(FailingCommands(matrix, rig, path with { Expect = Expect.Any }, env));
        }

        trials.AddRange(NulValue(matrix, rig, env, value => repo.Cli.PutAsync(ApiRef(env), value)));
        trials.AddRange(Revoked(matrix, rig, env));

        await RunAsync(rig, trials);
        attack.Complete(minimumTrials: Attack.Settings.Count(full: 150, subset: SubsetPerStore));
    }

    private static int SubsetPerStore => 4;

    private static string ApiRef(string env) => $"secret/{env}/api#key";

    private static string Manifest(string store, string env, string storeName) =>
        $"version: 1\nstores:\n  {store}\nenvironments:\n  {env}: {{ store: {storeName} }}\nsecrets:\n"
        + "  API_KEY: { ref: \"secret/${env}/api#key\" }\n  STRIPE_KEY: { ref: \"secret/${env}/payments#stripe\" }\n";

    /// <summary>The full run takes every combination in order; the subset a seeded few of them, still in order.</summary>
    private async Task RunAsync(LeakRig rig, List<LeakTrial> trials)
    {
        var chosen = Attack.Settings.Full
            ? trials
            : [.. trials.Select((t, i) => (t, Key: Attack.Settings.RandomFor("no leak sample " + i).Next())).OrderBy(p => p.Key).Take(SubsetPerStore).Select(p => p.t)
                .OrderBy(trials.IndexOf)];
        output.WriteLine($"{chosen.Count} of {trials.Count} combinations");
        foreach (var trial in chosen)
        {
            await rig.RunAsync(trial);
        }
    }

    /// <summary>The commands both stores serve, on the happy path; <c>resolve</c> through every format and mode.</summary>
    private static IEnumerable<LeakTrial> CommonCommands(LeakMatrix matrix, LeakRig rig, LeakPath ok, string env)
    {
        var apiRef = ApiRef(env);
        Task<IEnumerable<string>> LearnApiAsync() => LearnAsync(rig, apiRef);
        return [
            .. matrix.Command(ok, ["init"]),
            .. matrix.Command(ok, ["lock"]),
            .. matrix.Command(ok, ["lock", "--update"]),
            .. matrix.Command(ok, ["lock", "--update", "API_KEY", "--env", env]),
            .. matrix.Command(ok, ["verify"]),
            .. matrix.Command(ok, ["verify", "--online"]),
            .. matrix.Resolve(ok),
            .. matrix.Command(ok, ["rotate", "API_KEY", "--env", env, "--value-stdin"], input: () => rig.NewValue("rotated") + "\n"),
            .. matrix.Command(ok, ["rotate", "API_KEY", "--env", env, "--generate", "32"], learn: LearnApiAsync),
            .. matrix.Resolve(ok, allModes: false),
            .. matrix.Command(ok, ["audit", "list", "--env", env]),
            .. matrix.Command(ok, ["audit", "verify", "--env", env]),
            .. matrix.Command(ok, ["diff"]),
            .. matrix.Command(ok, ["diff", "v1"]),
            .. matrix.Command(ok, ["history", "API_KEY"]),
        ];
    }

    /// <summary>The commands that read the lock, the manifest or the store, on an error path (each may fail or not; none may leak).</summary>
    private static IEnumerable<LeakTrial> FailingCommands(LeakMatrix matrix, LeakRig rig, LeakPath path, string env) =>
    [
        .. matrix.Command(path, ["lock", "--update"]),
        .. matrix.Command(path, ["verify"]),
        .. matrix.Command(path, ["verify", "--online"]),
        .. matrix.Command(path, ["rotate", "API_KEY", "--env", env, "--value-stdin"], input: () => rig.NewValue("rotate-fails") + "\n"),
        .. matrix.Command(path, ["audit", "list", "--env", env]),
        .. matrix.Command(path, ["leases", "list", "--env", env]),
        .. matrix.Command(path, ["history", "API_KEY"]),
        .. matrix.Command(path, ["diff"]),
    ];

    /// <summary>API_KEY pinned to a value with a NUL: dotenv must refuse it, coded; every format, without a leak. Undone by a clean version.</summary>
    private static IEnumerable<LeakTrial> NulValue(LeakMatrix matrix, LeakRig rig, string env, Func<string, Task> write)
    {
        var path = new LeakPath("a NUL value", Expect.Any)
        {
            Arrange = async () =>
            {
                await write(rig.NewValue("nul") + "\0" + rig.NewValue("after-nul"));
                await rig.Cli.OkAsync("lock", "--update", "API_KEY", "--env", env);
            },
            Restore = async () =>
            {
                await write(rig.NewValue("clean"));
                await rig.Cli.OkAsync("lock", "--update", "API_KEY", "--env", env);
            },
        };
        return matrix.Resolve(path, allModes: false).Select(t => t.Label.Contains("dotenv", StringComparison.Ordinal) ? t with { Expect = Expect.Failure } : t);
    }

    /// <summary>Last: STRIPE_KEY's pinned version 1 revoked; every resolve and the online verify must refuse it.</summary>
    private static IEnumerable<LeakTrial> Revoked(LeakMatrix matrix, LeakRig rig, string env)
    {
        var revoked = false;
        var revoke = new[] { "revoke", "STRIPE_KEY", "--env", env, "--version", "1", "--reason", "leaked" };
        var path = new LeakPath("revoked version", Expect.Failure)
        {
            Arrange = async () =>
            {
                if (!revoked)
                {
                    await rig.Cli.OkAsync(revoke);
                    revoked = true;
                }
            },
        };
        return [
            .. matrix.Command(new LeakPath("ok", Expect.Any) { Restore = () => Do(() => revoked = true) }, revoke),
            .. matrix.Resolve(path),
            .. matrix.Command(path, ["verify", "--online"]),
        ];
    }

    private static LeakPath Tampered(string lockPath)
    {
        byte[] original = [];
        return new LeakPath("tampered lock", Expect.Failure)
        {
            Arrange = async () =>
            {
                original = await File.ReadAllBytesAsync(lockPath);
                var text = System.Text.Encoding.UTF8.GetString(original);
                await File.WriteAllTextAsync(lockPath, PinnedVersion().Replace(text, m => $"\"version\": \"{int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + 7}\"", 1));
            },
            Restore = () => File.WriteAllBytesAsync(lockPath, original),
        };
    }

    private static LeakPath BrokenManifest(string manifestPath)
    {
        byte[] original = [];
        return new LeakPath("broken manifest", Expect.Failure)
        {
            Arrange = async () =>
            {
                original = await File.ReadAllBytesAsync(manifestPath);
                await File.AppendAllTextAsync(manifestPath, "  BROKEN: { ref: \"secret/x#y\"\n    oops: [\n");
            },
            Restore = () => File.WriteAllBytesAsync(manifestPath, original),
        };
    }

    /// <summary>The value a generated rotation wrote, read back with <c>store get</c> (not a trial) or from Vault.</summary>
    private static async Task<IEnumerable<string>> LearnAsync(LeakRig rig, string secretRef)
    {
        var result = await rig.Cli.RunAsync("store", "get", secretRef);
        return result.ExitCode == 0 ? [result.StdOut.TrimEnd('\n')] : [];
    }

    /// <summary>What the tool keeps in Vault: its ledger and audit trail under <c>secret/secrets-pipeline/</c>, and custom metadata (revoke marks).</summary>
    private static IEnumerable<(string Where, string Text)> VaultAudit(VaultRepo vault)
    {
        foreach (var path in vault.Kv.Paths)
        {
            var key = vault.Kv.GetKey(path);
            if (key is null)
            {
                continue;
            }

            foreach (var (name, value) in key.CustomMetadata ?? new Dictionary<string, string>())
            {
                yield return ($"Vault secret/{path} custom metadata", name + "=" + value);
            }

            if (path.StartsWith("secrets-pipeline/", StringComparison.Ordinal))
            {
                foreach (var version in key.Versions.Where(v => v.Data is not null))
                {
                    yield return ($"Vault secret/{path} (audit trail, ledger)", version.Data!.ToJsonString());
                }
            }
        }
    }

    private static Task Do(Action action)
    {
        action();
        return Task.CompletedTask;
    }

    [GeneratedRegex("\"version\": \"(\\d+)\"")]
    private static partial Regex PinnedVersion();
}
