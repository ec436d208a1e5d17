using System.Text;

namespace SecretsPipeline.Core.Ci;

/// <summary>
/// The escaping rules of the two runners' line commands. Both read one command per line, so what matters is that no
/// escaped text holds a CR or LF (and, in Azure properties, no <c>;</c> or <c>]</c> that would end the property).
/// </summary>
public static class CommandEscaping
{
    /// <summary>GitHub workflow-command data (the text after the last <c>::</c>): <c>%</c> first, then CR and LF.</summary>
    public static string GitHubData(string value) => Replace(value, static c => c switch
    {
        '%' => "%25",
        '\r' => "%0D",
        '\n' => "%0A",
        _ => null,
    });

    /// <summary>Azure Pipelines logging-command message (after <c>]</c>): <c>%</c> first (as the task library writes it), then CR and LF.</summary>
    public static string AzureData(string value) => Replace(value, static c => c switch
    {
        '%' => "%AZP25",
        '\r' => "%0D",
        '\n' => "%0A",
        _ => null,
    });

    /// <summary>Azure Pipelines logging-command property value: as <see cref="AzureData"/>, plus <c>]</c> and <c>;</c>.</summary>
    public static string AzureProperty(string value) => Replace(value, static c => c switch
    {
        '%' => "%AZP25",
        '\r' => "%0D",
        '\n' => "%0A",
        ']' => "%5D",
        ';' => "%3B",
        _ => null,
    });

    // One pass over the characters, so an escape sequence written for one character is never escaped again.
    private static string Replace(string value, Func<char, string?> map)
    {
        var builder = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            if (map(c) is { } replacement)
            {
                builder.Append(replacement);
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
