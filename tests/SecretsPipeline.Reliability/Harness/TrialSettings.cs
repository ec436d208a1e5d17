using System.Globalization;

namespace SecretsPipeline.Reliability.Harness;

/// <summary>
/// How hard to attack: the full run (<c>SECRETSPIPELINE_RELIABILITY=full</c>, the trial counts) or the bounded
/// subset that runs with every <c>./build.sh test</c>; and the seed every random choice derives from
/// (<c>SECRETSPIPELINE_SEED</c>, random when unset), printed with every failure so it replays.
/// </summary>
public sealed class TrialSettings
{
    public const string ModeVariable = "SECRETSPIPELINE_RELIABILITY";
    public const string SeedVariable = "SECRETSPIPELINE_SEED";

    private TrialSettings(bool full, int seed)
    {
        Full = full;
        Seed = seed;
    }

    public static TrialSettings Current { get; } = FromEnvironment();

    public bool Full { get; }

    public int Seed { get; }

    public string Mode => Full ? "full" : "subset";

    /// <summary>The variables that replay this run exactly.</summary>
    public string Replay => $"{ModeVariable}={Mode} {SeedVariable}={Seed}";

    public int Count(int full, int subset) => Full ? full : subset;

    /// <summary>A generator of its own per attack, so adding trials to one attack does not change another's inputs.</summary>
    public Random RandomFor(string attack)
    {
        var hash = 17;
        foreach (var c in attack)
        {
            hash = unchecked((hash * 31) + c);
        }

        return new Random(Seed ^ hash);
    }

    private static TrialSettings FromEnvironment()
    {
        var full = string.Equals(Environment.GetEnvironmentVariable(ModeVariable), "full", StringComparison.OrdinalIgnoreCase);
        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), NumberStyles.Integer, CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        return new TrialSettings(full, seed);
    }
}
