using System.CommandLine;
using SecretsPipeline.Cli.Terminal;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Cli;

/// <summary>
/// Runs a command body with the one exception policy: an expected failure becomes one MSBuild-canonical line and its
/// exit code; anything else is a bug, reported without its message (which could quote data) unless --verbose.
/// </summary>
internal sealed class CommandRunner(CommonOptions options, ConsoleOutput output)
{
    public CommonOptions Options => options;

    public void SetAction(Command command, Func<CommandContext, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, cancellationToken) => RunAsync(parse, body, cancellationToken));

    private async Task<int> RunAsync(ParseResult parse, Func<CommandContext, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            var context = new CommandContext(parse, options, output);
            return await body(context, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretsPipelineException ex)
        {
            output.Error.WriteLine(ex.ToDiagnostic());
            if (parse.GetValue(options.Verbose) && ex.InnerException is not null)
            {
                output.Error.WriteLine(ex.InnerException.ToString());
            }

            return ex.ExitCode;
        }
        catch (OperationCanceledException)
        {
            output.Error.WriteLine(Diagnostic.Format(null, "error", Codes.Usage.Id, "cancelled; nothing was written."));
            return ExitCodes.Failed;
        }
        catch (Exception ex) when (!parse.GetValue(options.Verbose))
        {
            output.Error.WriteLine(Diagnostic.Format(null, "error", Codes.Internal.Id, $"unexpected {ex.GetType().Name}; rerun with --verbose for details and report it."));
            return ExitCodes.Failed;
        }
    }
}
