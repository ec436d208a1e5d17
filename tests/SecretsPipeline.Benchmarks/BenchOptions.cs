using SecretsPipeline.Benchmarks.Processes;

namespace SecretsPipeline.Benchmarks;

/// <summary>
/// <c>--out DIR</c> (default artifacts/bench), <c>--rows a,b</c> to measure only some rows (the others are reported as
/// skipped), <c>--rss poll</c> to measure peak RSS by polling VmHWM even where GNU time exists, <c>--keep</c> to leave the
/// scratch folder (repositories, locks, published apps) for profiling a row by hand.
/// </summary>
internal sealed record BenchOptions(string OutDirectory, IReadOnlySet<string>? Rows, bool PollRss, bool Keep = false)
{
    public const string Usage = "usage: dotnet run -c Release --project tests/SecretsPipeline.Benchmarks -- [--out DIR] [--rows ROW,ROW] [--rss poll] [--keep]";

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(Path.Combine("artifacts", "bench"), null, PollRss: false);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new BenchException($"{args[i]} needs a value; {Usage}");
            options = args[i] switch
            {
                "--out" => options with { OutDirectory = Value() },
                "--rows" => options with { Rows = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) },
                "--keep" => options with { Keep = true },
                "--rss" => Value() == "poll" ? options with { PollRss = true } : throw new BenchException($"--rss takes only 'poll'; {Usage}"),
                _ => throw new BenchException($"unknown argument '{args[i]}'; {Usage}"),
            };
        }

        return options with { OutDirectory = Path.GetFullPath(options.OutDirectory) };
    }

    public bool Includes(string row) => Rows is null || Rows.Contains(row);
}
