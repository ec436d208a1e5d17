using SecretsPipeline.Core.Ci;

namespace SecretsPipeline.Cli.Commands;

/// <summary>Where a command's Markdown summary goes: the CI host's summary page, or the file given with --summary.</summary>
internal static class Summaries
{
    public static void Publish(CommandContext context, ICiHost? host, string markdown, string? path)
    {
        if (host is not null)
        {
            host.PublishSummary(markdown, path);
        }
        else if (path is not null)
        {
            new FileCiSink(context.Output.Out).Append(path, markdown.EndsWith('\n') ? markdown : markdown + "\n");
        }
    }
}
