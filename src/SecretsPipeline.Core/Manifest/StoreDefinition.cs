using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Manifest;

/// <summary>A <c>stores.&lt;name&gt;</c> entry: its type and the settings that type accepts.</summary>
public sealed record StoreDefinition(string Name, string Type, IReadOnlyDictionary<string, string> Settings, SourceLocation Location)
{
    public string? Setting(string key) => Settings.TryGetValue(key, out var value) ? value : null;
}
