using System.Diagnostics;
using System.Globalization;
using System.Text;
using SecretsPipeline.Core.Lock;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Design §5 "all or nothing": kill <c>lock --update</c> at random instants and check that the lockfile is always
/// either the old one or the complete new one, never torn, and still verifies.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CrashSafetyTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const int Secrets = 300;
    private const int Refs = 10;
    private const int RandomTrials = 24;
    private const int WatchedTrials = 8;
    private const string TempPattern = ".secrets.lock.json.*.tmp";

    /// <summary>Set to replay a run: the seed is printed by every run.</summary>
    private const string SeedVariable = "SPL_E2E_CRASH_SEED";

    [Fact]
    public async Task Killing_lock_at_any_instant_leaves_the_old_or_the_complete_new_lock()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay with {SeedVariable}={seed})");
        var random = new Random(seed);

        using var repo = new TestRepo(tool);
        await repo.InitAsync(Manifest());
        var versions = new int[Refs];
        for (var r = 0; r < Refs; r++)
        {
            versions[r] = await PutAsync(repo, r, "initial");
        }

        await repo.Cli.OkAsync("lock");
        await repo.Git.CommitAsync("pin 300 secrets");

        // One uninterrupted run with a change to write sets the scale of the random delays.
        versions[0] = await PutAsync(repo, 0, "measure");
        var typical = (await repo.Cli.OkAsync("lock", "--update")).Elapsed;
        output.WriteLine($"a lock --update of {Secrets} secrets takes {typical.TotalMilliseconds:0} ms here (process start included)");

        // Most kills land at a random instant of a run; the last ones land the moment the tool starts writing the lock
        // (a temporary file beside it appears, or the lock itself changes), the instant a non-atomic write would tear it.
        using var watcher = new LockWriteWatcher(repo.Path);
        int old = 0, updated = 0, finished = 0;
        for (var trial = 0; trial < RandomTrials + WatchedTrials; trial++)
        {
            var moved = Enumerable.Range(0, Refs).OrderBy(_ => random.Next()).Take(1 + random.Next(3)).ToArray();
            foreach (var r in moved)
            {
                versions[r] = await PutAsync(repo, r, $"trial{trial}");
            }

            var before = repo.ReadLock();
            var strays = Directory.GetFiles(repo.Path, TempPattern).Length;
            var watched = trial >= RandomTrials;
            var delay = TimeSpan.FromMilliseconds(random.NextDouble() * typical.TotalMilliseconds);
            var when = watched ? "at the first write" : $"after {delay.TotalMilliseconds:0} ms";
            watcher.Reset();
            var (exitedByItself, exitCode) = await RunAndKillAsync(repo.Cli, watched ? watcher.Written : Task.Delay(delay));
            finished += exitedByItself ? 1 : 0;

            var after = repo.ReadLock();
            LockFile parsed;
            try
            {
                parsed = LockSerializer.Read(repo.LockPath);
            }
            catch (Exception ex)
            {
                throw new Xunit.Sdk.XunitException(
                    $"trial {trial} (seed {seed}, killed {when}) left a lock that does not parse: {ex.Message}\n{Encoding.UTF8.GetString(after)}");
            }

            var isOld = after.AsSpan().SequenceEqual(before);
            if (isOld)
            {
                old++;
            }
            else
            {
                // Not the old bytes, so it must be the whole new lock: every pin on its ref's newest version.
                updated++;
                foreach (var (name, pin) in parsed.Environments[TestRepo.Environment].Secrets)
                {
                    var r = int.Parse(name.AsSpan(name.Length - 3), CultureInfo.InvariantCulture) % Refs;
                    Assert.True(
                        pin.Version == versions[r].ToString(CultureInfo.InvariantCulture),
                        $"trial {trial} (seed {seed}, killed {when}): {name} is pinned to {pin.Version}, expected {versions[r]} in the new lock");
                }
            }

            if (exitedByItself)
            {
                Assert.True(exitCode == 0 && !isOld, $"trial {trial}: lock finished by itself (exit {exitCode}) but the lock did not change");
            }

            var verify = await repo.Cli.RunAsync("verify");
            Assert.True(
                verify.ExitCode is 0 or 3 && !verify.StdErr.Contains("SPL2001", StringComparison.Ordinal) && !verify.StdErr.Contains("SPL2002", StringComparison.Ordinal),
                $"trial {trial} (seed {seed}, killed {when}): verify after the kill: {verify}");

            // A killed writer may leave its temporary file behind; it must never be what sits at the lock's path.
            Assert.False(new FileInfo(repo.LockPath).Attributes.HasFlag(FileAttributes.ReparsePoint), "the lock is not a plain file");
            var newStrays = Directory.GetFiles(repo.Path, TempPattern).Length - strays;
            output.WriteLine(
                $"trial {trial,2}: moved {string.Join(',', moved.Select(r => $"s{r}"))}, kill {when} -> {(exitedByItself ? "finished first" : "killed")}, " +
                $"{(isOld ? "old" : "new")} lock, verify exit {verify.ExitCode}, {newStrays} new stray temp files");
        }

        var leftOver = Directory.GetFiles(repo.Path, TempPattern).Length;
        output.WriteLine(
            $"{RandomTrials + WatchedTrials} trials (seed {seed}): {old} left the old lock, {updated} the new one; " +
            $"{finished} runs finished before the kill; {leftOver} stray temporary files left beside the lock");
        Assert.Equal(RandomTrials + WatchedTrials, old + updated);

        // After all those crashes, stray temporary files included, an ordinary run still brings the lock up to date.
        versions[0] = await PutAsync(repo, 0, "final");
        await repo.Cli.OkAsync("lock", "--update");
        await repo.Cli.OkAsync("verify");
        Assert.All(
            LockSerializer.Read(repo.LockPath).Environments[TestRepo.Environment].Secrets,
            p => Assert.Equal(versions[int.Parse(p.Key.AsSpan(p.Key.Length - 3), CultureInfo.InvariantCulture) % Refs].ToString(CultureInfo.InvariantCulture), p.Value.Version));
    }

    private static string Manifest()
    {
        var text = new StringBuilder(TestRepo.DemoManifest[..TestRepo.DemoManifest.IndexOf("  DB_PASSWORD", StringComparison.Ordinal)]);
        for (var i = 0; i < Secrets; i++)
        {
            // Thirty names share each ref, so the store needs only ten puts per round.
            text.Append(CultureInfo.InvariantCulture, $"  SECRET_{i:D3}: {{ ref: \"secret/${{env}}/app/s{i % Refs}#value\" }}\n");
        }

        return text.ToString();
    }

    private static async Task<int> PutAsync(TestRepo repo, int r, string label)
    {
        var result = await repo.Cli.PutAsync($"secret/development/app/s{r}#value", $"crash-{label}-{r}-{Guid.NewGuid():N}", "--json");
        using var report = System.Text.Json.JsonDocument.Parse(result.StdOut);
        return int.Parse(report.RootElement.GetProperty("version").GetString()!, CultureInfo.InvariantCulture);
    }

    /// <summary>Starts <c>lock --update</c> and kills its whole process tree when <paramref name="trigger"/> completes, unless it finished first.</summary>
    private static async Task<(bool ExitedByItself, int ExitCode)> RunAndKillAsync(Cli cli, Task trigger)
    {
        using var process = new Process { StartInfo = cli.StartInfo(["lock", "--update"]) };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await ProcessRunner.WriteInputAsync(process, null);
        await Task.WhenAny(trigger, process.WaitForExitAsync());
        var exitedByItself = process.HasExited;
        if (!exitedByItself)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It finished between the check and the kill.
                exitedByItself = true;
            }
        }

        using var timeout = new CancellationTokenSource(Cli.DefaultTimeout);
        await process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(stdout, stderr);
        return (exitedByItself, process.ExitCode);
    }

    /// <summary>Completes <see cref="Written"/> as soon as anything in the folder is created, written or renamed: the lock or its temporary file.</summary>
    private sealed class LockWriteWatcher : IDisposable
    {
        private readonly FileSystemWatcher _watcher;
        private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LockWriteWatcher(string folder)
        {
            _watcher = new FileSystemWatcher(folder)
            {
                IncludeSubdirectories = false,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            };
            _watcher.Created += OnEvent;
            _watcher.Changed += OnEvent;
            _watcher.Renamed += OnEvent;
            _watcher.EnableRaisingEvents = true;
        }

        public Task Written => _written.Task;

        public void Reset() => _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Dispose() => _watcher.Dispose();

        private void OnEvent(object sender, FileSystemEventArgs e)
        {
            if (e.Name is { } name && name.Contains("secrets.lock.json", StringComparison.Ordinal))
            {
                _written.TrySetResult();
            }
        }
    }
}
