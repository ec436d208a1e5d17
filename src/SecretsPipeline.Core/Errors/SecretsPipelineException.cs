namespace SecretsPipeline.Core.Errors;

/// <summary>
/// An expected failure: bad input, a refused resolve, a store that said no. It becomes one diagnostic line
/// (<c>path(line,col): error SPLnnnn: message</c>). Messages name secrets and versions, never values, and are one
/// line: a line break or other control character quoted from the input is shown as '?' (see <see cref="Diagnostic.OneLine"/>),
/// wherever the message goes (a terminal, a job summary, a commit status, JSON).
/// </summary>
public class SecretsPipelineException : Exception
{
    public SecretsPipelineException(ErrorCode code, string message, SourceLocation? location = null, Exception? inner = null)
        : base(Diagnostic.OneLine(message), inner)
    {
        Code = code;
        Location = location;
    }

    public ErrorCode Code { get; }

    public SourceLocation? Location { get; }

    public int ExitCode => Code.ExitCode;

    /// <summary>Codes that do not fail the command (exit 0) are warnings.</summary>
    public bool IsWarning => Code.ExitCode == ExitCodes.Ok;

    /// <summary>The MSBuild-canonical form, which both terminals and MSBuild's <c>Exec</c> understand.</summary>
    public string ToDiagnostic() => Diagnostic.Format(Location, IsWarning ? "warning" : "error", Code.Id, Message);
}
