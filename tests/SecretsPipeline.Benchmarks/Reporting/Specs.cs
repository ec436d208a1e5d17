namespace SecretsPipeline.Benchmarks.Reporting;

/// <summary>The rows of issue 8, in its order, with their baselines and targets.</summary>
internal static class Specs
{
    public static readonly RowSpec Resolve500 = new(
        "resolve-500", "resolve 500 pinned KV secrets (500 paths), fake Vault +5 ms/request, default parallelism 32", "parallelism 1", 0.10);

    public static readonly RowSpec ResolveBound = new(
        "resolve-bound", "the same resolve, default parallelism 32", "lower bound ceil(500/32) × 5 ms", 1.5);

    public static readonly RowSpec Lock500 = new(
        "lock-500", "`lock --update` of 500 entries (Locker), same server, default parallelism 32", "parallelism 1", 0.10);

    public static readonly RowSpec Verify1000 = new(
        "verify-1000", "`secrets-pipeline verify` (offline) of a 1,000-entry signed lock, whole process", "`--version` of the same CLI", 1.5);

    public static readonly RowSpec History10k = new(
        "history-10k", "`secrets-pipeline history S00001`, 10,000 commits, 500 touching the lock", "`git log --oneline -- secrets.lock.json`", 2);

    public static readonly RowSpec MSBuildNoop = new(
        "msbuild-noop", "no-op incremental `dotnet build` of a sample project with SecretsPipeline.MSBuild", "the same project without it", 1.05);

    public static readonly RowSpec Start = new(
        "start", "`secrets-pipeline --version`, whole process", "a bare console app published the same way", 1.5);

    public static readonly RowSpec Memory = new(
        "memory", "peak RSS of `resolve` of 10,000 secrets (embedded store), whole process", "`resolve` of 10 secrets", 3);
}
