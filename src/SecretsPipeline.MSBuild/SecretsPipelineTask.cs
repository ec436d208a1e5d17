using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.MSBuild;

/// <summary>
/// The one exception policy of every task: an expected failure (<see cref="SecretsPipelineException"/>) becomes one
/// coded error with file, line and column; anything else is a bug and surfaces with its stack (MSB4018).
/// </summary>
public abstract class SecretsPipelineTask : Microsoft.Build.Utilities.Task
{
    /// <summary>Reports expected failures as warnings, for local builds (<c>SecretsPipelineTreatErrorsAsWarnings</c>).</summary>
    public bool TreatErrorsAsWarnings { get; set; }

    public sealed override bool Execute()
    {
        try
        {
            ExecuteCore();
        }
        catch (SecretsPipelineException ex)
        {
            Report(Log, ex, TreatErrorsAsWarnings);
        }

        return !Log.HasLoggedErrors;
    }

    protected abstract void ExecuteCore();

    internal static void Report(TaskLoggingHelper log, SecretsPipelineException ex, bool asWarning)
    {
        var location = ex.Location;
        var (file, line, column) = (location?.Path, location?.Line ?? 0, location?.Column ?? 0);
        if (asWarning)
        {
            log.LogWarning(subcategory: null, ex.Code.Id, helpKeyword: null, file, line, column, endLineNumber: 0, endColumnNumber: 0, ex.Message);
        }
        else
        {
            log.LogError(subcategory: null, ex.Code.Id, helpKeyword: null, file, line, column, endLineNumber: 0, endColumnNumber: 0, ex.Message);
        }
    }
}
