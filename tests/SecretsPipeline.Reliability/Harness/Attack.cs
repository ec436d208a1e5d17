using System.Diagnostics;
using System.Globalization;
using System.Text;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace SecretsPipeline.Reliability.Harness;

/// <summary>
/// One row of the table while it runs: counts trials, records each failed trial with what it lost, and at the end adds
/// the row to <see cref="ResultsTable"/> and fails the test if any trial failed (with the seed to replay it).
/// </summary>
public sealed class Attack
{
    private const int ShownFailures = 8;

    private readonly ITestOutputHelper _output;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private readonly Lock _sync = new();
    private readonly List<string> _failures = [];
    private readonly SortedDictionary<string, long> _lost = new(StringComparer.Ordinal);
    private long _trials;
    private long _failed;

    public Attack(string promise, string name, ITestOutputHelper output)
    {
        Promise = promise;
        Name = name;
        _output = output;
        Random = Settings.RandomFor(promise + "/" + name);
        output.WriteLine($"{promise} / {name}: {Settings.Replay}");
    }

    public string Promise { get; }

    public string Name { get; }

    public static TrialSettings Settings => TrialSettings.Current;

    /// <summary>This attack's own seeded generator.</summary>
    public Random Random { get; }

    public long Trials => Interlocked.Read(ref _trials);

    /// <summary>Records one trial; <paramref name="problems"/> empty means it held. Each problem may name what was lost ("torn lock", "lease left").</summary>
    public void Record(string trial, IReadOnlyCollection<Problem> problems)
    {
        Interlocked.Increment(ref _trials);
        if (problems.Count == 0)
        {
            return;
        }

        lock (_sync)
        {
            _failed++;
            foreach (var lost in problems.Where(p => p.Lost is not null).Select(p => p.Lost!).Distinct(StringComparer.Ordinal))
            {
                _lost[lost] = _lost.GetValueOrDefault(lost) + 1;
            }

            if (_failures.Count < ShownFailures)
            {
                _failures.Add($"{trial}: {string.Join("; ", problems.Select(p => p.Message))}");
            }
        }

        _output.WriteLine($"FAILED {trial}: {string.Join("; ", problems.Select(p => p.Message))}");
    }

    /// <summary>Adds the row and fails unless every trial held and at least <paramref name="minimumTrials"/> ran.</summary>
    public void Complete(long minimumTrials = 1)
    {
        var lost = _lost.Values.Sum();
        var lostWhat = string.Join(", ", _lost.Select(p => $"{p.Value} {p.Key}"));
        ResultsTable.Add(new ResultRow(Promise, Name, Trials, _failed, lost, lostWhat, _watch.Elapsed));
        _output.WriteLine($"{Promise} / {Name}: {Trials} trials, {_failed} failures, lost: {(lost == 0 ? "nothing" : lostWhat)} in {_watch.Elapsed.TotalSeconds:0.0} s");
        if (_failed > 0 || Trials < minimumTrials)
        {
            var message = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{Promise} / {Name}: {_failed} of {Trials} trials failed (replay with {Settings.Replay})");
            if (Trials < minimumTrials)
            {
                message.Append(CultureInfo.InvariantCulture, $"; only {Trials} trials ran, at least {minimumTrials} expected");
            }

            foreach (var failure in _failures)
            {
                message.Append("\n  ").Append(failure);
            }

            throw new XunitException(message.ToString());
        }
    }
}
