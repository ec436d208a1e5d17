using System.CommandLine;
using SecretsPipeline.Cli.Commands;
using SecretsPipeline.Cli.Terminal;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Startup;

namespace SecretsPipeline.Cli;

/// <summary>Builds the command tree and turns every failure into one diagnostic line and a design §4 exit code.</summary>
internal static class App
{
    /// <summary>
    /// Every command, and whether it starts the start-up warm-up (<see cref="StartupWarmup"/>): the commands that read
    /// secrets.yaml and a signed lock first, for which it pays for itself.
    /// </summary>
    private static readonly (string Name, Func<CommandRunner, Command> Create, bool WarmUp)[] _commands =
    [
        ("init", InitCommand.Create, false),
        ("lock", LockCommand.Create, true),
        ("verify", VerifyCommand.Create, true),
        ("resolve", ResolveCommand.Create, true),
        ("revoke", RevokeCommand.Create, false),
        ("diff", DiffCommand.Create, false),
        ("history", HistoryCommand.Create, false),
        ("rotate", RotateCommand.Create, true),
        ("promote", PromoteCommand.Create, true),
        ("leases", LeasesCommand.Create, false),
        ("audit", AuditCommand.Create, false),
        ("store", StoreCommand.Create, false),
    ];

    public static async Task<int> RunAsync(string[] args, ConsoleOutput output)
    {
        var named = args is [var first, ..] ? IndexOf(first) : -1;
        if (named >= 0 && _commands[named].WarmUp)
        {
            StartupWarmup.Start();
        }

        var options = new CommonOptions();
        var root = new RootCommand("secrets-pipeline: pin each deployment to exact secret versions in a signed lockfile, so rolling back a release rolls back its secrets.");
        options.AddTo(root);
        var runner = new CommandRunner(options, output);
        foreach (var create in Wanted(args, named))
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
    private static IEnumerable<Func<CommandRunner, Command>> Wanted(string[] args, int named) =>
        named >= 0 ? [_commands[named].Create]
        : args is ["--version"] ? []
        : _commands.Select(c => c.Create);

    // A loop, not Array.FindIndex: generic code over this tuple type is compiled at run time, which every start pays.
    private static int IndexOf(string name)
    {
        for (var i = 0; i < _commands.Length; i++)
        {
            if (_commands[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
