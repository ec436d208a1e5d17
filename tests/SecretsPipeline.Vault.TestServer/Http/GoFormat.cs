using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>Formatting the way Vault's Go code prints things: RFC 3339 nano times, Go durations, multierror text.</summary>
internal static class GoFormat
{
    private const string Alphanumerics = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>Go's <c>time.RFC3339Nano</c> in UTC: trailing zeros of the fraction dropped, no fraction when zero.</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset? time) => time is { } t ? Time(t) : "";

    /// <summary>Go's <c>time.Duration.String()</c>, e.g. <c>0s</c>, <c>1m30s</c>, <c>1h0m0s</c>, <c>1.5s</c>, <c>-1s</c>.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration == TimeSpan.Zero)
        {
            return "0s";
        }

        var sign = duration < TimeSpan.Zero ? "-" : "";
        var ticks = Math.Abs(duration.Ticks);
        if (ticks < TimeSpan.TicksPerSecond)
        {
            var nanos = ticks * 100m;
            return nanos switch
            {
                < 1_000m => $"{sign}{nanos}ns",
                < 1_000_000m => $"{sign}{Trim(nanos / 1_000m)}µs",
                _ => $"{sign}{Trim(nanos / 1_000_000m)}ms",
            };
        }

        var hours = ticks / TimeSpan.TicksPerHour;
        var minutes = ticks % TimeSpan.TicksPerHour / TimeSpan.TicksPerMinute;
        var seconds = Trim((decimal)(ticks % TimeSpan.TicksPerMinute) / TimeSpan.TicksPerSecond);
        var builder = new StringBuilder(sign);
        if (hours > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{hours}h");
        }

        if (hours > 0 || minutes > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        return builder.Append(seconds).Append('s').ToString();
    }

    /// <summary>Vault's <c>ParseDurationSecond</c> for strings: <c>"30"</c> (seconds), <c>"2d"</c>, or a Go duration (<c>"1h30m"</c>).</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (text.Length == 0)
        {
            return true;
        }

        if (text.EndsWith('d') && long.TryParse(text[..^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var days))
        {
            duration = TimeSpan.FromDays(days);
            return true;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var plainSeconds))
        {
            duration = TimeSpan.FromSeconds(plainSeconds);
            return true;
        }

        return TryParseGoDuration(text, out duration);
    }

    /// <summary>go-multierror's text for one or more errors.</summary>
    public static string MultiError(params IReadOnlyList<string> errors)
    {
        var head = errors.Count == 1 ? "1 error occurred:" : $"{errors.Count} errors occurred:";
        return head + "\n" + string.Concat(errors.Select(e => $"\t* {e}\n")) + "\n";
    }

    public static string RandomString(int length) => RandomNumberGenerator.GetString(Alphanumerics, length);

    public static string Uuid() => Guid.NewGuid().ToString();

    private static string Trim(decimal value) => value.ToString("0.#########", CultureInfo.InvariantCulture);

    private static bool TryParseGoDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var negative = text.StartsWith('-');
        var rest = text.TrimStart('-', '+');
        if (rest == "0")
        {
            return true;
        }

        decimal totalNanos = 0;
        var index = 0;
        while (index < rest.Length)
        {
            var start = index;
            while (index < rest.Length && (char.IsAsciiDigit(rest[index]) || rest[index] == '.'))
            {
                index++;
            }

            var unitStart = index;
            while (index < rest.Length && !char.IsAsciiDigit(rest[index]) && rest[index] != '.')
            {
                index++;
            }

            if (!decimal.TryParse(rest[start..unitStart], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            decimal? unit = rest[unitStart..index] switch
            {
                "ns" => 1m,
                "us" or "µs" or "μs" => 1_000m,
                "ms" => 1_000_000m,
                "s" => 1_000_000_000m,
                "m" => 60_000_000_000m,
                "h" => 3_600_000_000_000m,
                _ => null,
            };
            if (unit is null)
            {
                return false;
            }

            totalNanos += number * unit.Value;
        }

        var ticks = (long)(totalNanos / 100m);
        duration = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return rest.Length > 0;
    }
}
