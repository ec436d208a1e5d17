using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Manifest;

/// <summary>A minimal YAML tree that keeps every node's position, so errors can point at line and column.</summary>
internal abstract record YamlNode(SourceLocation Location)
{
    public abstract string Kind { get; }
}

internal sealed record YamlScalar(SourceLocation Location, string Value, bool Quoted) : YamlNode(Location)
{
    public override string Kind => "a scalar";
}

internal sealed record YamlSequence(SourceLocation Location, IReadOnlyList<YamlNode> Items) : YamlNode(Location)
{
    public override string Kind => "a list";
}

internal sealed record YamlMapping(SourceLocation Location, IReadOnlyList<KeyValuePair<YamlScalar, YamlNode>> Entries) : YamlNode(Location)
{
    public override string Kind => "a mapping";
}
