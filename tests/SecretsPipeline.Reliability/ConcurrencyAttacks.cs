using System.Globalization;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Reliability.Harness;
using SecretsPipeline.Reliability.Support;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.Reliability;

/// <summary>
/// Design §5 and issue 4: two to eight <c>lock --update</c> and <c>rotate</c> processes started at once on one
/// repository and embedded store. Each succeeds (or, rotating a secret another process rotates too or an operator just
/// wrote out of band, is refused with a clean check-and-set error); afterwards the lock verifies and pins the newest
/// version of every ref a rotation or a lock --update succeeded on: no update lost.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ConcurrencyAttacks(PackedToolFixture tool, ITestOutputHelper output)
{
    [Fact]
    public async Task Two_to_eight_lock_and_rotate_processes_at_once_lose_no_update_and_corrupt_no_file()
    {
        var attack = new Attack("concurrency", "2-8 lock --update / rotate processes at once on one repository and store", output);
        using var rig = await EmbeddedRepo.CreateAsync(tool);
        var cli = rig.Cli.With(new Dictionary<string, string?> { ["SECRETS_PIPELINE_LOCK_TIMEOUT"] = "300" });
        var trials = Attack.Settings.Count(full: 100, subset: 2);
        for (var trial = 0; trial < trials; trial++)
        {
            var count = attack.Random.Next(2, 9);
            var commands = Enumerable.Range(0, count).Select(_ => attack.Random.Next(3) == 0
                ? new[] { "lock", "--update" }
                : ["rotate", EmbeddedRepo.NameOf(attack.Random.Next(EmbeddedRepo.SecretCount)), "--env", TestRepo.Environment, "--generate", "24", "--json"]).ToArray();

            // An operator's write out of band, for the lock --update processes to pick up.
            var outOfBand = attack.Random.Next(EmbeddedRepo.SecretCount);
            await rig.Cli.PutAsync(EmbeddedRepo.RefOf(outOfBand), $"oob-{trial}-{Guid.NewGuid():N}");

            // Secrets whose store holds a readable version newer than their pin (this or an earlier out-of-band write
            // no lock --update has picked up yet): rotating one against its pin is refused by design.
            var readable = rig.NewestVersions(readableOnly: true);
            var superseded = LockSerializer.Read(rig.Repo.LockPath).Environments[TestRepo.Environment].Secrets
                .Where(p => long.Parse(p.Value.Version!, CultureInfo.InvariantCulture) < readable.GetValueOrDefault(p.Value.Ref!))
                .Select(p => p.Key)
                .ToHashSet(StringComparer.Ordinal);
            var results = await Task.WhenAll(commands.Select(c => Task.Run(() => cli.RunAsync(c))));

            var problems = new Problems();
            for (var i = 0; i < count; i++)
            {
                var (command, result) = (commands[i], results[i]);
                var refused = result.ExitCode == 1 && command[0] == "rotate" && result.StdErr.Contains("error SPL3007", StringComparison.Ordinal)
                    && (commands.Count(c => c.Length > 1 && c[1] == command[1]) > 1 || superseded.Contains(command[1]));
                problems.Check(result.ExitCode == 0 || refused, $"{string.Join(' ', command)} exit {result.ExitCode}: {result.StdErr.Trim()}");
                if (command[0] == "rotate" && result.ExitCode == 0)
                {
                    problems.Check(JsonNode.Parse(result.StdOut)?["new_version"] is not null, $"{command[1]} printed no new version");
                }
            }

            var lockFile = await rig.CheckAsync(problems);
            if (lockFile is not null && results.Any(r => r.ExitCode == 0) && commands.Any(c => c[0] == "lock"))
            {
                // A lock --update ran; whatever finished last, every rotated ref must be pinned at its newest version.
                var newest = rig.NewestVersions();
                foreach (var rotated in commands.Where(c => c[0] == "rotate").Select(c => c[1]).Distinct(StringComparer.Ordinal))
                {
                    var pin = lockFile.Environments[TestRepo.Environment].Secrets[rotated];
                    problems.Check(
                        long.Parse(pin.Version!, CultureInfo.InvariantCulture) == newest[pin.Ref!],
                        $"{rotated} is pinned to {pin.Version}, the store's newest is {newest[pin.Ref!]}",
                        lost: "lost update");
                }
            }
            else if (lockFile is not null)
            {
                // Rotations only: each secret a rotation succeeded on is pinned to its newest version. One whose every
                // rotation was refused (the out-of-band write is a readable newer version, someone else's) keeps its pin.
                var newest = rig.NewestVersions();
                foreach (var rotated in commands.Where((c, i) => c[0] == "rotate" && results[i].ExitCode == 0).Select(c => c[1]).Distinct(StringComparer.Ordinal))
                {
                    var pin = lockFile.Environments[TestRepo.Environment].Secrets[rotated];
                    problems.Check(long.Parse(pin.Version!, CultureInfo.InvariantCulture) == newest[pin.Ref!], $"{rotated} is pinned to {pin.Version}, its rotation wrote {newest[pin.Ref!]}", lost: "lost update");
                }
            }

            attack.Record($"trial {trial}: {string.Join(" | ", commands.Select(c => string.Join(' ', c.Take(2))))}", problems);
        }

        attack.Complete(minimumTrials: trials);
    }
}
