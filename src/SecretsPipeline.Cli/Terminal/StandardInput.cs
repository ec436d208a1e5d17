using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Cli.Terminal;

/// <summary>
/// Reads a secret value from standard input — never from an argument, which would show in <c>ps</c>. One trailing
/// newline is dropped, so <c>echo value |</c> gives <c>value</c>.
/// </summary>
internal static class StandardInput
{
    public static async Task<string> ReadValueAsync(string hint, string emptyMessage, CancellationToken cancellationToken)
    {
        if (!Console.IsInputRedirected)
        {
            throw new SecretsPipelineException(Codes.Usage, hint);
        }

        var value = await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        value = value.EndsWith("\r\n", StringComparison.Ordinal) ? value[..^2] : value.EndsWith('\n') ? value[..^1] : value;
        return value.Length > 0 ? value : throw new SecretsPipelineException(Codes.Usage, emptyMessage);
    }
}
