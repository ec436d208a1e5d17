using System.Globalization;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Reliability.Harness;
using SecretsPipeline.Reliability.Support;
using SecretsPipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.Reliability;

/// <summary>
/// Design §5 "no resurrection" (and issue 9's "an old lock replayed after a version was revoked"), as users run it: a
/// secret is rotated and locked, the old version revoked, and the old commit's lock is replayed three ways: with
/// <c>resolve --at</c> its tag, restored into the work tree, and as an old build artifact through <c>--lock</c>. Each
/// must be refused (SPL3003 naming the secret, the revoked version and the newest good one) with nothing printed or
/// written, while the current lock still resolves.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class NoResurrectionAttacks(PackedToolFixture tool, ITestOutputHelper output)
{
    [Fact]
    public async Task An_old_lock_replayed_after_a_revoke_is_refused_however_it_arrives()
    {
        var attack = new Attack("no resurrection", "an old commit's lock replayed after its version was revoked (resolve --at, restored lock, --lock artifact)", output);
        using var rig = await EmbeddedRepo.CreateAsync(tool);
        var env = TestRepo.Environment;
        var scratch = rig.Repo.Scratch;
        var outFile = Path.Combine(scratch, "deploy.env");
        var rounds = Attack.Settings.Count(full: 40, subset: 1);
        for (var round = 0; round < rounds; round++)
        {
            var secret = attack.Random.Next(EmbeddedRepo.SecretCount);
            var name = EmbeddedRepo.NameOf(secret);
            var tag = string.Create(CultureInfo.InvariantCulture, $"before-{round}");
            // Release tags are annotated; rounds alternate, so both kinds of tag are replayed.
            await (round % 2 == 0 ? rig.Repo.Git.RunAsync("tag", "-a", "-m", $"release {tag}", tag) : rig.Repo.Git.RunAsync("tag", tag));
            var oldLock = rig.Repo.ReadLock();
            var artifact = Path.Combine(scratch, $"artifact-{round}.lock.json");
            await File.WriteAllBytesAsync(artifact, oldLock);
            var oldVersion = LockSerializer.Read(rig.Repo.LockPath).Environments[env].Secrets[name].Version!;

            await rig.Cli.PutAsync(EmbeddedRepo.RefOf(secret), $"new-{round}-{Guid.NewGuid():N}");
            await rig.Cli.OkAsync("lock", "--update", name, "--env", env);
            await rig.Repo.Git.CommitAsync($"round {round}: {name} rotated");
            var newVersion = LockSerializer.Read(rig.Repo.LockPath).Environments[env].Secrets[name].Version!;
            await rig.Cli.OkAsync("revoke", name, "--env", env, "--version", oldVersion, "--reason", "compromised");

            var ways = new (string Way, Func<Task<ProcessResult>> Run)[]
            {
                ("resolve --at the old tag", () => rig.Cli.RunAsync("resolve", "--env", env, "--at", tag, "--out", outFile)),
                ("the old lock restored into the work tree", async () =>
                {
                    var current = rig.Repo.ReadLock();
                    await File.WriteAllBytesAsync(rig.Repo.LockPath, oldLock);
                    try
                    {
                        return await rig.Cli.RunAsync("resolve", "--env", env, "--out", outFile);
                    }
                    finally
                    {
                        await File.WriteAllBytesAsync(rig.Repo.LockPath, current);
                    }
                }),
                ("the old lock as a build artifact (--lock)", () => rig.Cli.RunAsync("resolve", "--env", env, "--lock", artifact, "--format", "json")),
            };
            foreach (var (way, run) in ways)
            {
                File.Delete(outFile);
                var result = await run();
                var problems = new Problems();
                problems.Check(result.ExitCode != 0, "the revoked version was resolved", lost: "revoked version resurrected");
                problems.Check(result.StdOut.Length == 0 && !File.Exists(outFile), "output was written", lost: "revoked version resurrected");
                var error = result.ErrorLines.FirstOrDefault(l => l.Contains("error SPL3003", StringComparison.Ordinal)) ?? string.Empty;
                problems.Check(
                    error.Contains($"'{name}'", StringComparison.Ordinal) && error.Contains($"version {oldVersion} ", StringComparison.Ordinal) && error.Contains($"newest good version is {newVersion}", StringComparison.Ordinal),
                    $"the error does not name {name}, version {oldVersion} and {newVersion}: {result.StdErr.Trim()}");
                attack.Record($"round {round}: {name} v{oldVersion} revoked, v{newVersion} current; {way} -> exit {result.ExitCode}", problems);
            }

            // The current lock, pinned past the revoked version, still deploys.
            await rig.Cli.OkAsync("resolve", "--env", env, "--out", outFile);
        }

        attack.Complete(minimumTrials: rounds * 3);
    }
}
