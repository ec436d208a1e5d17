using System.Globalization;
using System.Text.RegularExpressions;

namespace SecretsPipeline.Core.Manifest;

/// <summary>Vault-style durations: <c>3600</c> (seconds), <c>90s</c>, <c>30m</c>, <c>1h30m</c>, <c>7d</c>.</summary>
public static partial class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            value = TimeSpan.FromSeconds(seconds);
            return seconds > 0;
        }

        var match = Pattern().Match(text);
        if (!match.Success || match.Length == 0)
        {
            return false;
        }

        foreach (Capture part in match.Groups["part"].Captures)
        {
            var number = long.Parse(part.Value[..^1], CultureInfo.InvariantCulture);
            value += part.Value[^1] switch
            {
                'd' => TimeSpan.FromDays(number),
                'h' => TimeSpan.FromHours(number),
                'm' => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromSeconds(number),
            };
        }

        return value > TimeSpan.Zero;
    }

    /// <summary>Formats as whole seconds, the form Vault returns and the lock stores.</summary>
    public static string Format(TimeSpan value) => ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";

    [GeneratedRegex(@"^(?<part>[0-9]{1,9}[dhms])+$")]
    private static partial Regex Pattern();
}
