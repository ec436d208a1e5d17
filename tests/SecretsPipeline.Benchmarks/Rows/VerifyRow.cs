using SecretsPipeline.Benchmarks.Fixtures;
using SecretsPipeline.Benchmarks.Processes;
using SecretsPipeline.Benchmarks.Reporting;

namespace SecretsPipeline.Benchmarks.Rows;

/// <summary>verify-1000: `verify` of a signed 1,000-entry lock against `--version`, both whole processes of the same CLI.</summary>
internal static class VerifyRow
{
    private const int Entries = 1_000;
    private const int Runs = 10;

    public static async Task<RowResult> MeasureAsync(BenchContext context)
    {
        var project = await LocalProject.CreateAsync(context.Scratch.Folder("verify"), context.Scratch.Home, Entries);
        var environment = context.Scratch.CliEnvironment;
        var verify = context.Cli.Command(project.Directory, environment, "verify", "--manifest", project.ManifestPath);
        var version = context.Cli.Command(project.Directory, environment, "--version");
        var (measured, baseline) = await ProcessTimer.CompareAsync(verify, version, Runs);
        return Specs.Verify1000.Measured(
            measured,
            baseline,
            $"whole process, {context.Cli}, wall clock start to exit, {Runs} runs each alternating after 1 warm-up; "
            + $"the lock: {Entries:N0} embedded-store secrets pinned by the Locker, signed with a local ECDSA key, {new FileInfo(project.LockPath).Length / 1024} KiB.");
    }
}
