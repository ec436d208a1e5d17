using System.CommandLine;
using SecretsPipeline.Cli.Commands;
using SecretsPipeline.Cli.Terminal;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Cli;

/// <summary>Builds the command tree and turns every failure into one diagnostic line and a design §4 exit code.</summary>
internal static class App
{
    public static async Task<int> RunAsync(string[] args, ConsoleOutput output)
    {
        var options = new CommonOptions();
        var root = new RootCommand("secrets-pipeline: pin each deployment to exact secret versions in a signed lockfile, so rolling back a release rolls back its secrets.");
        options.AddTo(root);
        var runner = new CommandRunner(options, output);
        root.Subcommands.Add(InitCommand.Create(runner));
        root.Subcommands.Add(LockCommand.Create(runner));
        root.Subcommands.Add(VerifyCommand.Create(runner));
        root.Subcommands.Add(ResolveCommand.Create(runner));
        root.Subcommands.Add(RevokeCommand.Create(runner));
        root.Subcommands.Add(DiffCommand.Create(runner));
        root.Subcommands.Add(HistoryCommand.Create(runner));
        root.Subcommands.Add(RotateCommand.Create(runner));
        root.Subcommands.Add(PromoteCommand.Create(runner));
        root.Subcommands.Add(LeasesCommand.Create(runner));
        root.Subcommands.Add(AuditCommand.Create(runner));
        root.Subcommands.Add(StoreCommand.Create(runner));

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
}
