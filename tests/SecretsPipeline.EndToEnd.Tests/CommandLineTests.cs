using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Testing;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// The command line as a whole. The tool builds only the command a run names (start-up, issue 8), so these check that
/// help, version, a mistyped command and options placed before the command still see every command.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CommandLineTests(PackedToolFixture tool, ITestOutputHelper output) : IDisposable
{
    private static readonly string[] _commands = ["init", "lock", "verify", "resolve", "revoke", "diff", "history", "rotate", "promote", "leases", "audit", "store"];

    private readonly TempDirectory _dir = new("spl-e2e-");

    private Cli Cli => new(tool.ToolPath, _dir.Path, _dir.Combine("home"), output);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Root_help_lists_every_command()
    {
        var help = await Cli.RunAsync("--help");

        Assert.Equal(0, help.ExitCode);
        foreach (var command in _commands)
        {
            Assert.Matches($@"(?m)^\s+{command}\b", help.StdOut);
        }
    }

    [Fact]
    public async Task Version_prints_the_package_version_and_nothing_else()
    {
        var version = await Cli.RunAsync("--version");

        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith(tool.PackageVersion, version.StdOut.Trim(), StringComparison.Ordinal);
        Assert.Single(version.StdOut.Trim().Split('\n'));
        Assert.Empty(version.StdErr);
    }

    [Fact]
    public async Task A_command_named_first_has_its_own_options_and_subcommands()
    {
        var verify = await Cli.RunAsync("verify", "--help");
        var leases = await Cli.RunAsync("leases", "--help");

        Assert.Equal(0, verify.ExitCode);
        Assert.Contains("--online", verify.StdOut, StringComparison.Ordinal);
        Assert.Equal(0, leases.ExitCode);
        Assert.Contains("renew", leases.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_command_is_a_usage_error_naming_it()
    {
        var typo = await Cli.RunAsync("verfy");

        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("SPL9001", typo.StdErr, StringComparison.Ordinal);
        Assert.Contains("verfy", typo.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_root_option_before_the_command_still_reaches_the_command()
    {
        // --manifest first: the first argument names no command, so the whole tree is built and verify still runs.
        var missing = _dir.Combine("nowhere", "secrets.yaml");
        var verify = await Cli.RunAsync("--manifest", missing, "verify");

        Assert.Equal(2, verify.ExitCode);
        Assert.Contains("SPL1015", verify.StdErr, StringComparison.Ordinal);
        Assert.Contains("nowhere", verify.StdErr, StringComparison.Ordinal);
    }
}
