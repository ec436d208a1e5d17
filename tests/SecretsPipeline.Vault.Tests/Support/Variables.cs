namespace SecretsPipeline.Vault.Tests.Support;

/// <summary>A stand-in for the process environment, passed as the <c>variable</c> function; tests never mutate the real one.</summary>
internal static class Variables
{
    public static Func<string, string?> Of(params (string Name, string? Value)[] pairs)
    {
        var map = pairs.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
        return name => map.GetValueOrDefault(name);
    }

    public static Func<string, string?> None { get; } = _ => null;
}
