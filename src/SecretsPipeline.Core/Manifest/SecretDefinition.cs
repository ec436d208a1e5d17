using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Manifest;

/// <summary>
/// A <c>secrets.&lt;NAME&gt;</c> entry: either a static <see cref="Ref"/> template (may contain <c>${env}</c>) or a
/// dynamic role path with lease terms.
/// </summary>
public sealed record SecretDefinition(
    string Name,
    string? Ref,
    string? Mount,
    string? Dynamic,
    TimeSpan? Ttl,
    TimeSpan? MaxTtl,
    IReadOnlyList<string> Fields,
    SourceLocation Location)
{
    public bool IsDynamic => Dynamic is not null;

    /// <summary>The variable names this entry outputs.</summary>
    public IEnumerable<string> OutputNames =>
        IsDynamic ? Fields.Select(f => $"{Name}_{f.ToUpperInvariant()}") : [Name];

    /// <summary>The reference for one environment, with <c>${env}</c> expanded.</summary>
    public SecretRef RefFor(string environment)
    {
        var text = (Ref ?? throw new InvalidOperationException($"{Name} is dynamic")).Replace("${env}", environment, StringComparison.Ordinal);
        return SecretRef.TryParse(text, Mount, out var parsed, out var problem)
            ? parsed
            : throw new SecretsPipelineException(Codes.ManifestBadRef, $"secret '{Name}': ref '{text}' for environment '{environment}' is not valid: {problem}.", Location);
    }

    /// <summary>The dynamic role path for one environment, with <c>${env}</c> expanded.</summary>
    public string RoleFor(string environment) =>
        (Dynamic ?? throw new InvalidOperationException($"{Name} is static")).Replace("${env}", environment, StringComparison.Ordinal);
}
