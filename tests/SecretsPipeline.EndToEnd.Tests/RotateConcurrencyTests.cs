using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Issue 4: concurrent <c>lock</c> and <c>rotate</c> in one repository serialise on the repository lock, and none
/// loses another's change: eight processes started at once on one repository and embedded store.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class RotateConcurrencyTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const int SecretCount = 6;

    [Fact]
    public async Task Eight_lock_update_and_rotate_processes_at_once_all_succeed_and_the_final_lock_pins_every_change()
    {
        await using var rig = await DeploymentRig.StartAsync(tool, output, StoreKind.Embedded);
        var secrets = new StringBuilder();
        for (var i = 1; i <= SecretCount; i++)
        {
            secrets.Append(CultureInfo.InvariantCulture, $"  SECRET_{i}: {{ ref: \"secret/${{env}}/s{i}#value\" }}\n");
        }

        await rig.InitAsync(secrets.ToString());
        for (var i = 1; i <= SecretCount; i++)
        {
            await rig.PutAsync($"s{i}", "value", $"s{i}-v1-{Guid.NewGuid():N}");
        }

        await rig.Cli.OkAsync("lock");
        await rig.Git.CommitAsync("v1");

        // Operators wrote new versions of SECRET_5 and SECRET_6 out of band; `lock --update` is to pick them up.
        Assert.Equal(2, await rig.PutAsync("s5", "value", $"s5-v2-{Guid.NewGuid():N}"));
        Assert.Equal(2, await rig.PutAsync("s6", "value", $"s6-v2-{Guid.NewGuid():N}"));

        string[][] commands =
        [
            ["rotate", "SECRET_1", "--env", rig.Env, "--generate", "24", "--commit", "--json"],
            ["rotate", "SECRET_2", "--env", rig.Env, "--generate", "24", "--commit", "--json"],
            ["lock", "--update", "SECRET_5"],
            ["rotate", "SECRET_3", "--env", rig.Env, "--generate", "24", "--commit", "--json"],
            ["rotate", "SECRET_1", "--env", rig.Env, "--generate", "24", "--commit", "--json"],
            ["lock", "--update", "SECRET_6"],
            ["rotate", "SECRET_4", "--env", rig.Env, "--generate", "24", "--json"],
            ["lock", "--update"],
        ];
        var cli = rig.Cli.With(new Dictionary<string, string?> { ["SECRETS_PIPELINE_LOCK_TIMEOUT"] = "60" });
        var results = await Task.WhenAll(commands.Select(c => Task.Run(() => cli.RunAsync(c))));

        var rotated = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < commands.Length; i++)
        {
            var (command, result) = (commands[i], results[i]);
            output.WriteLine($"{string.Join(' ', command)} -> exit {result.ExitCode} in {result.Elapsed.TotalMilliseconds:0} ms {result.StdErr.Trim()}");
            if (command[0] == "rotate" && command[1] == "SECRET_1" && result.ExitCode == 1)
            {
                // Two rotations of one secret: the only conflict allowed is a clean check-and-set refusal.
                Assert.Contains("error SPL3007", Assert.Single(result.ErrorLines, l => l.Contains(": error ", StringComparison.Ordinal)), StringComparison.Ordinal);
                continue;
            }

            Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result}");
            if (command[0] == "rotate")
            {
                var version = JsonNode.Parse(result.StdOut)!["new_version"]!.GetValue<string>();
                (rotated.TryGetValue(command[1], out var list) ? list : rotated[command[1]] = []).Add(version);
            }
        }

        // The final lock parses, verifies, and pins the newest version of every secret: no update was lost.
        await rig.Cli.OkAsync("verify");
        var pins = LockSerializer.Read(rig.Repo.LockPath).Environments[rig.Env].Secrets;
        var expected = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SECRET_1"] = rotated["SECRET_1"].Max(v => int.Parse(v, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture),
            ["SECRET_2"] = "2",
            ["SECRET_3"] = "2",
            ["SECRET_4"] = "2",
            ["SECRET_5"] = "2",
            ["SECRET_6"] = "2",
        };
        Assert.Equal(expected, pins.ToDictionary(p => p.Key, p => p.Value.Version!, StringComparer.Ordinal));
        Assert.Equal(Enumerable.Range(1, 1 + rotated["SECRET_1"].Count).Select(v => (v.ToString(CultureInfo.InvariantCulture), "active")), await rig.VersionsAsync("s1", "value"));
        for (var i = 2; i <= SecretCount; i++)
        {
            Assert.Equal([("1", "active"), ("2", "active")], await rig.VersionsAsync($"s{i}", "value"));
        }

        // Every committed rotation is a commit of the lock alone; the resolve reads every new pin.
        var committed = rotated.Where(r => r.Key != "SECRET_4").Sum(r => r.Value.Count);
        var log = (await rig.Git.RunAsync("log", "--format=%s", "--name-only", "HEAD~" + committed.ToString(CultureInfo.InvariantCulture) + "..HEAD")).StdOut;
        var subjects = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(committed, subjects.Count(l => l.StartsWith("Rotate ", StringComparison.Ordinal)));
        Assert.All(subjects.Where(l => !l.StartsWith("Rotate ", StringComparison.Ordinal)), l => Assert.Equal("secrets.lock.json", l));
        var values = DeploymentRig.ParseDotenv((await rig.Cli.OkAsync("resolve", "--env", rig.Env)).StdOut);
        Assert.All(new[] { "SECRET_1", "SECRET_2", "SECRET_3", "SECRET_4" }, name => Assert.Equal(24, values[name].Length));

        // Concurrent audit appends did not fork the chain: one rotate record per rotation, and it verifies.
        await rig.Cli.OkAsync("audit", "verify", "--env", rig.Env);
        var records = JsonNode.Parse((await rig.Cli.OkAsync("audit", "list", "--env", rig.Env, "--json")).StdOut)!["records"]!.AsArray();
        Assert.Equal(rotated.Sum(r => r.Value.Count), records.Count(r => r!["command"]!.GetValue<string>() == "rotate" && r["outcome"]!.GetValue<string>() == "ok"));
    }
}
