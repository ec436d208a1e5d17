namespace SecretsPipeline.Reliability.Support;

/// <summary>Where a successful run may print a value on standard output; a failed run may print none anywhere.</summary>
public enum StdoutAllowance
{
    /// <summary>Nowhere: a report, a listing, or a resolve written with <c>--out</c>.</summary>
    None,

    /// <summary>Anywhere: the values were asked for (<c>resolve --format dotenv|json|shell</c> to standard output).</summary>
    Values,

    /// <summary>Only in <c>::add-mask::</c> lines, and every one of those before any other line.</summary>
    GitHubMasks,

    /// <summary>Only in <c>##vso[task.setvariable …;issecret=true]</c> and <c>##vso[task.setsecret]</c> lines.</summary>
    AzureSecretCommands,
}
