namespace SecretsPipeline.Vault.TestServer;

/// <summary><c>framework.CalculateTTL</c>: times truncated to the second, capped at start + max TTL with the §4.2 warning.</summary>
internal static class TtlCalculator
{
    public static (TimeSpan Ttl, string? Warning, string? Error) Calculate(
        TimeSpan increment,
        TimeSpan backendTtl,
        TimeSpan backendMaxTtl,
        DateTimeOffset startTime,
        DateTimeOffset now,
        FakeVaultOptions options)
    {
        now = Truncate(now);
        startTime = Truncate(startTime);
        var maxTtl = options.SystemMaxLeaseTtl;
        if (backendMaxTtl > TimeSpan.Zero && backendMaxTtl < maxTtl)
        {
            maxTtl = backendMaxTtl;
        }

        if (increment <= TimeSpan.Zero)
        {
            increment = backendTtl > TimeSpan.Zero ? backendTtl : options.SystemDefaultLeaseTtl;
        }

        var maxValid = startTime + maxTtl;
        if (maxValid < now)
        {
            return (TimeSpan.Zero, null, "past the max TTL, cannot renew");
        }

        if (maxValid < now + increment)
        {
            var capped = maxValid - now;
            var warning = $"TTL of \"{GoFormat.Duration(increment)}\" exceeded the effective max_ttl of \"{GoFormat.Duration(capped)}\"; TTL value is capped accordingly";
            return (capped, warning, null);
        }

        return (increment, null, null);
    }

    public static long Seconds(TimeSpan duration) => (long)Math.Floor(duration.TotalSeconds);

    private static DateTimeOffset Truncate(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
}
