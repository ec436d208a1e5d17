using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Reliability.Harness;
using SecretsPipeline.Reliability.Support;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.Reliability;

/// <summary>
/// Design §5 "all or nothing", as users run it: the installed tool resolves two static and two dynamic entries from the
/// fake Vault while one random request of the resolve fails (503, 500, 403, a dropped connection, a client timeout),
/// with or without retries, with or without an older output file. A failed resolve prints nothing, writes nothing
/// (the old file byte-identical), leaves no temporary file and no active lease of its own; a resolve that recovers
/// (a retry, or a fault in the audit record after delivery) writes the complete, correct output.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class AllOrNothingAttacks(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Secrets = """
          API_KEY: { ref: "secret/${env}/api#key" }
          DB: { dynamic: "database/creds/app", ttl: 1h }
          STRIPE_KEY: { ref: "secret/${env}/payments#stripe" }
          REPORTS: { dynamic: "database/creds/reports", ttl: 30m }

        """;

    private static readonly string[] _faults = ["503", "500", "403", "drop", "timeout"];
    private static readonly byte[] _previous = [.. "KEEP=\"the previous deploy\"\n"u8, 0x00, 0xFF, (byte)'\n'];

    [Fact]
    public async Task A_fault_at_a_random_request_of_a_resolve_leaves_nothing_or_delivers_everything()
    {
        var attack = new Attack("all or nothing", "fault (503, 500, 403, drop, timeout) at a random request of a Vault resolve", output);
        await using var vault = await VaultRepo.StartAsync(tool, null);
        var server = vault.Vault;
        server.State.Database.AddRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        server.State.Database.AddRole("reports", TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        await vault.InitAsync(VaultRepoManifest());
        var api = $"api-{Guid.NewGuid():N}\n::set-output name=x::1";
        var stripe = $"sk-{Guid.NewGuid():N}";
        vault.Put("production/api", "key", api);
        vault.Put("production/payments", "stripe", stripe);
        await vault.Cli.OkAsync("lock");

        // One undisturbed resolve counts the requests a resolve makes.
        var outFolder = Directory.CreateDirectory(Path.Combine(vault.Repo.Scratch, "out")).FullName;
        server.Requests.Clear();
        await vault.Cli.OkAsync("resolve", "--env", VaultRepo.Environment, "--out", Path.Combine(outFolder, "probe.env"));
        var steps = server.Requests.Count;
        output.WriteLine($"a resolve makes {steps} requests");

        var trials = Attack.Settings.Count(full: 1_000, subset: 12);
        for (var trial = 0; trial < trials; trial++)
        {
            var fault = _faults[trial % _faults.Length];
            var at = attack.Random.Next(1, steps + 1);
            var retries = attack.Random.Next(3) == 0 ? 1 : 0;
            var existing = attack.Random.Next(2) == 0;
            var label = $"trial {trial}: {fault} at request {at} of {steps}, {retries} retries, {(existing ? "an older output" : "no output")} before";
            var outFile = Path.Combine(outFolder, $"deploy-{trial}.env");
            if (existing)
            {
                await File.WriteAllBytesAsync(outFile, _previous);
            }

            var leasesBefore = server.State.Leases.All.Select(l => l.LeaseId).ToHashSet(StringComparer.Ordinal);
            var filesBefore = Directory.GetFiles(outFolder).Length;
            var cli = vault.Cli.With(new Dictionary<string, string?>
            {
                ["VAULT_MAX_RETRIES"] = retries.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["VAULT_CLIENT_TIMEOUT"] = fault == "timeout" ? "1" : null,
            });
            switch (fault)
            {
                case "drop":
                    server.Faults.DropAt(at);
                    break;
                case "timeout":
                    server.Faults.DelayAt(at, TimeSpan.FromSeconds(3));
                    break;
                default:
                    server.Faults.FailAt(at, int.Parse(fault, System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }

            var run = await cli.RunAsync("resolve", "--env", VaultRepo.Environment, "--deployment", $"t{trial}", "--out", outFile);
            server.Faults.Clear();
            var attempt = server.State.Leases.All.Where(l => !leasesBefore.Contains(l.LeaseId)).ToList();
            var problems = new Problems();
            if (run.ExitCode == 0)
            {
                var values = File.Exists(outFile) ? Dotenv.Read(await File.ReadAllBytesAsync(outFile)) : [];
                problems.Check(values.GetValueOrDefault("API_KEY") == api && values.GetValueOrDefault("STRIPE_KEY") == stripe, "a successful resolve wrote wrong static values", lost: "incomplete output");
                problems.Check(new[] { "DB_USERNAME", "DB_PASSWORD", "REPORTS_USERNAME", "REPORTS_PASSWORD" }.All(values.ContainsKey), "a successful resolve lacks a dynamic credential", lost: "incomplete output");
                problems.Check(attempt.Count(l => !l.Revoked) == 2, $"a successful resolve holds {attempt.Count(l => !l.Revoked)} leases, not 2");
            }
            else
            {
                problems.Check(run.StdOut.Length == 0, "a failed resolve printed to standard output", lost: "partial output");
                problems.Check(run.ErrorLines.Any(l => l.Contains(": error SPL", StringComparison.Ordinal)), $"no coded error: {run.StdErr}");
                problems.Check(
                    existing ? File.Exists(outFile) && File.ReadAllBytes(outFile).AsSpan().SequenceEqual(_previous) : !File.Exists(outFile),
                    existing ? "the older output changed" : "a failed resolve wrote its output",
                    lost: "output written by a failed resolve");
                var held = attempt.Where(l => !l.Revoked).Select(l => l.LeaseId).ToList();
                problems.Check(held.Count == 0, $"leases of the failed attempt still active: {string.Join(", ", held)}", lost: "lease left active");
            }

            problems.Check(Directory.GetFiles(outFolder).Length == filesBefore + (existing || run.ExitCode != 0 ? 0 : 1), "a temporary file was left beside the output", lost: "stray file");
            attack.Record($"{label} -> exit {run.ExitCode}", problems);
            if (trial % 100 == 99)
            {
                output.WriteLine($"{trial + 1} trials");
            }
        }

        vault.AssertTokenNeverPrinted();
        attack.Complete(minimumTrials: trials);
    }

    private static string VaultRepoManifest() =>
        $"version: 1\nstores:\n  prod: {{ type: vault }}\nenvironments:\n  {VaultRepo.Environment}: {{ store: prod }}\nsecrets:\n{Secrets}";
}
