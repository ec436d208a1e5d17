using System.Text;
using SecretsPipeline.Core.Resolve;

namespace SecretsPipeline.Core.Output;

/// <summary>
/// <c>NAME="value"</c> lines. Inside the double quotes, backslash, quote, dollar, CR, LF and TAB are escaped, which
/// docker compose, python-dotenv and similar readers unescape; a value can therefore never start a second line.
/// </summary>
public sealed class DotenvFormat : IOutputFormat
{
    public string Name => "dotenv";

    public string Render(IReadOnlyList<ResolvedOutput> outputs)
    {
        var builder = new StringBuilder();
        foreach (var output in outputs)
        {
            var value = OutputFormats.RequireNoNul(output);
            builder.Append(output.Name).Append("=\"");
            foreach (var c in value)
            {
                builder.Append(c switch
                {
                    '\\' => "\\\\",
                    '"' => "\\\"",
                    '$' => "\\$",
                    '\n' => "\\n",
                    '\r' => "\\r",
                    '\t' => "\\t",
                    _ => c.ToString(),
                });
            }

            builder.Append("\"\n");
        }

        return builder.ToString();
    }
}
