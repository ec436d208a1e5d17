namespace SecretsPipeline.Git;

/// <summary>What history shows of a commit: its author as "Name &lt;email&gt;", the author's date and the short message.</summary>
internal sealed record CommitSummary(string Author, DateTimeOffset Date, string Message);
