namespace SecretsPipeline.Core.Stores;

/// <summary>
/// A secret value with the version it came from. <see cref="ToString"/> never shows the value, so an accidental
/// interpolation into a message or log cannot leak it.
/// </summary>
public sealed class SecretValue(string value, SecretVersionInfo version)
{
    public SecretVersionInfo Version { get; } = version;

    /// <summary>The plain value; call only where the user asked for it (an output file, standard output, a store write).</summary>
    public string Reveal() => value;

    public override string ToString() => $"<secret v{Version.Version}>";
}
