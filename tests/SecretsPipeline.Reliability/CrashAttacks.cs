using System.Diagnostics;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Reliability.Harness;
using SecretsPipeline.Reliability.Support;
using SecretsPipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.Reliability;

/// <summary>
/// Design §5 "a crash at any instant leaves every file either old or new": SIGKILL <c>lock --update</c>,
/// <c>rotate</c> and <c>resolve --out</c> at a random instant of their run. Afterwards the lock is the old bytes or a
/// complete lock that verifies, the output file is the old bytes or the complete new output, the embedded store passes
/// <c>integrity_check</c>, and the lock pins no version the store lacks.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class CrashAttacks(PackedToolFixture tool, ITestOutputHelper output)
{
    [Fact]
    public async Task SIGKILL_at_a_random_instant_of_lock_rotate_or_resolve_leaves_every_file_old_or_new()
    {
        var attack = new Attack("crash safety", "SIGKILL at a random instant of lock --update, rotate, resolve --out", output);
        using var rig = await EmbeddedRepo.CreateAsync(tool);
        var outFile = Path.Combine(rig.Repo.Scratch, "deploy.env");
        await rig.Cli.OkAsync("resolve", "--env", TestRepo.Environment, "--out", outFile);

        // One uninterrupted run of each sets the scale of the random instants.
        var typical = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var kind in new[] { "lock", "rotate", "resolve" })
        {
            await rig.Cli.PutAsync(EmbeddedRepo.RefOf(0), $"measure-{Guid.NewGuid():N}");
            typical[kind] = (await rig.Cli.OkAsync(Arguments(kind, 1, outFile))).Elapsed;
        }

        var trials = Attack.Settings.Count(full: 300, subset: 9);
        for (var trial = 0; trial < trials; trial++)
        {
            var kind = (trial % 3) switch { 0 => "lock", 1 => "rotate", _ => "resolve" };
            var secret = attack.Random.Next(EmbeddedRepo.SecretCount);
            if (kind == "lock")
            {
                await rig.Cli.PutAsync(EmbeddedRepo.RefOf(secret), $"crash-{trial}-{Guid.NewGuid():N}");
            }

            var lockBefore = rig.Repo.ReadLock();
            var outBefore = await File.ReadAllBytesAsync(outFile);
            var delay = TimeSpan.FromMilliseconds(attack.Random.NextDouble() * typical[kind].TotalMilliseconds * 1.1);
            var killed = await RunAndKillAsync(rig.Cli, Arguments(kind, secret, outFile), delay);

            var problems = new Problems();
            var lockFile = await rig.CheckAsync(problems);
            var lockChanged = !rig.Repo.ReadLock().AsSpan().SequenceEqual(lockBefore);
            problems.Check(kind != "resolve" || !lockChanged, "resolve changed the lock");
            var outAfter = await File.ReadAllBytesAsync(outFile);
            if (!outAfter.AsSpan().SequenceEqual(outBefore))
            {
                var values = Dotenv.Read(outAfter);
                problems.Check(kind == "resolve", $"{kind} changed the output file");
                problems.Check(values.Count == EmbeddedRepo.SecretCount && lockFile is not null && lockFile.Environments[TestRepo.Environment].Secrets.Keys.All(values.ContainsKey), $"the output file holds {values.Count} of {EmbeddedRepo.SecretCount} values", lost: "torn output file");
            }

            if (Directory.GetFiles(Path.GetDirectoryName(outFile)!).Length != 1)
            {
                // A writer killed before its rename cannot remove its temporary file (a copy of the values, mode 600);
                // the next write of the same target must.
                problems.Check(killed, "a run that was not killed left a temporary file beside the output", lost: "stray copy of the values");
                await rig.Cli.OkAsync(Arguments("resolve", secret, outFile));
                problems.Check(Directory.GetFiles(Path.GetDirectoryName(outFile)!).Length == 1, "a killed writer's temporary file survived the next resolve --out", lost: "stray copy of the values");
            }
            attack.Record($"trial {trial}: {kind} {(killed ? "killed" : "finished")} after {delay.TotalMilliseconds:0} ms, lock {(lockChanged ? "new" : "old")}", problems);
        }

        // After all those kills an ordinary run still works.
        await rig.Cli.OkAsync("lock", "--update");
        await rig.Cli.OkAsync("verify");
        attack.Complete(minimumTrials: trials);
    }

    private static string[] Arguments(string kind, int secret, string outFile) => kind switch
    {
        "lock" => ["lock", "--update"],
        "rotate" => ["rotate", EmbeddedRepo.NameOf(secret), "--env", TestRepo.Environment, "--generate", "24"],
        _ => ["resolve", "--env", TestRepo.Environment, "--out", outFile],
    };

    /// <summary>Starts the tool and SIGKILLs it after <paramref name="delay"/> unless it finished first; returns whether it was killed.</summary>
    private static async Task<bool> RunAndKillAsync(Cli cli, string[] arguments, TimeSpan delay)
    {
        using var process = new Process { StartInfo = cli.StartInfo(arguments) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await ProcessRunner.WriteInputAsync(process, null);
        await Task.WhenAny(Task.Delay(delay), process.WaitForExitAsync());
        var killed = false;
        if (!process.HasExited)
        {
            try
            {
                process.Kill(entireProcessTree: true);
                killed = true;
            }
            catch (InvalidOperationException)
            {
                // It finished between the check and the kill.
            }
        }

        using var timeout = new CancellationTokenSource(Cli.DefaultTimeout);
        await process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(stdout, stderr);
        return killed;
    }
}
