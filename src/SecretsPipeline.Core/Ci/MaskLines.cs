namespace SecretsPipeline.Core.Ci;

/// <summary>
/// What to register with a runner's log masker for one value: the whole value, and each line of a multi-line value
/// on its own, because runners match log output line by line.
/// </summary>
internal static class MaskLines
{
    public static IEnumerable<string> For(string value)
    {
        if (value.Trim().Length == 0)
        {
            yield break;
        }

        yield return value;
        if (value.AsSpan().IndexOfAny('\r', '\n') < 0)
        {
            yield break;
        }

        foreach (var line in value.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Trim().Length > 0)
            {
                yield return trimmed;
            }
        }
    }
}
