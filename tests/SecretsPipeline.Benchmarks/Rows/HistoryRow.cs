using SecretsPipeline.Benchmarks.Fixtures;
using SecretsPipeline.Benchmarks.Processes;
using SecretsPipeline.Benchmarks.Reporting;

namespace SecretsPipeline.Benchmarks.Rows;

/// <summary>history-10k: `history S00001` over 10,000 commits against `git log --oneline -- secrets.lock.json` on the same repository.</summary>
internal static class HistoryRow
{
    private const int Runs = 7;
    private const string Secret = "S00001";

    public static async Task<RowResult> MeasureAsync(BenchContext context)
    {
        var repository = context.Scratch.Folder("history");
        await HistoryRepository.CreateAsync(repository, context.Scratch.Home);
        var history = context.Cli.Command(repository, context.Scratch.CliEnvironment, "history", Secret);
        var gitLog = new ProcessCommand("git", ["log", "--oneline", "--", HistoryRepository.LockFileName], repository);

        // The two must see the same history, or the ratio compares different work.
        var logged = (await ProcessRun.CheckedAsync(gitLog)).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        var shown = (await ProcessRun.CheckedAsync(history)).StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        if (logged != HistoryRepository.LockCommits || shown == 0)
        {
            throw new BenchException($"the generated repository is not what the row needs: git log lists {logged} lock commits (want {HistoryRepository.LockCommits}), history printed {shown} lines");
        }

        var (measured, baseline) = await ProcessTimer.CompareAsync(history, gitLog, Runs);
        return Specs.History10k.Measured(
            measured,
            baseline,
            $"whole processes, wall clock start to exit, {Runs} runs each alternating after 1 warm-up; repository made with `git fast-import` "
            + $"({HistoryRepository.Commits:N0} commits on main, {HistoryRepository.LockCommits} rewrite a signed {HistoryRepository.Pins}-pin lock; no commit-graph); "
            + $"git log lists {logged} commits, history prints {shown} pin changes of {Secret}.");
    }
}
