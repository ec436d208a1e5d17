using SecretsPipeline.Benchmarks.Fixtures;
using SecretsPipeline.Benchmarks.Processes;
using SecretsPipeline.Benchmarks.Reporting;

namespace SecretsPipeline.Benchmarks.Rows;

/// <summary>start: `secrets-pipeline --version` against a bare console app that prints a version, both whole processes.</summary>
internal static class StartRow
{
    private const int Runs = 15;

    public static async Task<RowResult> MeasureAsync(BenchContext context)
    {
        var bare = await BareConsoleApp.PublishAsync(context.Scratch.Folder("bare-app"), context.Cli);
        var folder = context.Scratch.Folder("start");
        var cli = context.Cli.Command(folder, context.Scratch.CliEnvironment, "--version");
        var baseline = new ProcessCommand(bare, [], folder, context.Scratch.CliEnvironment);
        var (measured, baselineSample) = await ProcessTimer.CompareAsync(cli, baseline, Runs);
        return Specs.Start.Measured(
            measured,
            baselineSample,
            $"whole process, wall clock start to exit, {Runs} runs each alternating after 1 warm-up; {context.Cli} "
            + $"vs a bare {context.Cli.TargetFramework} console app that prints a version, `dotnet publish {string.Join(' ', context.Cli.PublishArguments())}`ed "
            + "framework-dependent with its apphost in this run (InvariantGlobalization as the CLI).");
    }
}
