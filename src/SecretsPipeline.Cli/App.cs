using System.CommandLine;
using SecretsPipeline.Cli.Commands;
using SecretsPipeline.Cli.Terminal;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Startup;

namespace SecretsPipeline.Cli;

/// <summary>Builds the command tree and turns every failure into one diagnostic line and a design §4 exit code.</summary>
internal static class App
{
    private static readonly (string Name, Func<CommandRunner, Command> Create)[] _commands =
    [
        ("init", InitCommand.Create),
        ("lock", LockCommand.Create),
        ("verify", VerifyCommand.Create),
        ("resolve", ResolveCommand.Create),
        ("revoke", RevokeCommand.Create),
        ("diff", DiffCommand.Create),
        ("history", HistoryCommand.Create),
        ("rotate", RotateCommand.Create),
        ("promote", PromoteCommand.Create),
        ("leases", LeasesCommand.Create),
        ("audit", AuditCommand.Create),
        ("store", StoreCommand.Create),
    ];

    /// <summary>The commands that read secrets.yaml and a signed lock first: their start-up warm-up pays for itself.</summary>
    private static readonly string[] _warmedUp = ["verify", "resolve", "lock", "rotate", "promote"];

    public static async Task<int> RunAsync(string[] args, ConsoleOutput output)
    {
        if (args is [var command, ..] && Array.IndexOf(_warmedUp, command) >= 0)
        {
            StartupWarmup.Start();
        }

        var options = new CommonOptions();
        var root = new RootCommand("secrets-pipeline: pin each deployment to exact secret versions in a signed lockfile, so rolling back a release rolls back its secrets.");
        options.AddTo(root);
        var runner = new CommandRunner(options, output);
        foreach (var create in Wanted(args))
        {
            root.Subcommands.Add(create(runner));
        }

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                output.Error.WriteLine(Diagnostic.Format(null, "error", Codes.Usage.Id, error.Message + " (see --help)"));
            }

            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration { Output = output.Out, Error = output.Error, EnableDefaultExceptionHandler = false };
        return await parse.InvokeAsync(configuration).ConfigureAwait(false);
    }

    /// <summary>
    /// The commands this run needs: the one its first argument names, none for a bare <c>--version</c>, and all of them
    /// otherwise (root help lists them, a mistyped name is reported against them, response files and directives may name any).
    /// Building all twelve, with their options and validators, was a few milliseconds of every short command's start-up.
    /// </summary>
    private static IEnumerable<Func<CommandRunner, Command>> Wanted(string[] args) =>
        args switch
        {
            ["--version"] => [],
            [var first, ..] when Array.FindIndex(_commands, c => c.Name == first) is var i and >= 0 => [_commands[i].Create],
            _ => _commands.Select(c => c.Create),
        };
}
