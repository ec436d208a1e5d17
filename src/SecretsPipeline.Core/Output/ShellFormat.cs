using System.Text;
using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Core.Output;

/// <summary>
/// POSIX shell: <c>export NAME='value'</c>. Single quotes take every byte literally; a quote inside the value is
/// closed, escaped and reopened (<c>'\''</c>), so <c>eval</c> or <c>source</c> sees one assignment per name.
/// </summary>
public sealed class ShellFormat : IOutputFormat
{
    public string Name => "shell";

    public string Render(IReadOnlyList<ResolvedOutput> outputs)
    {
        var builder = new StringBuilder();
        foreach (var output in outputs)
        {
            var value = OutputFormats.RequireNoNul(output);
            builder.Append("export ").Append(output.Name).Append("='").Append(value.Replace("'", "'\\''", StringComparison.Ordinal)).Append("'\n");
        }

        return builder.ToString();
    }
}
