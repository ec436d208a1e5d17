using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.Core.Manifest;

/// <summary>A parsed and validated <c>secrets.yaml</c>.</summary>
public sealed record SecretsManifest(
    string Path,
    int Version,
    IReadOnlyDictionary<string, StoreDefinition> Stores,
    IReadOnlyDictionary<string, EnvironmentDefinition> Environments,
    IReadOnlyList<SecretDefinition> Secrets)
{
    public EnvironmentDefinition Environment(string name) =>
        Environments.TryGetValue(name, out var environment)
            ? environment
            : throw new SecretsPipelineException(
                Codes.UnknownEnvironment,
                $"environment '{name}' is not declared; declared: {string.Join(", ", Environments.Keys.Order(StringComparer.Ordinal))}.",
                new SourceLocation(Path));

    public StoreDefinition StoreFor(string environment) => Stores[Environment(environment).Store];

    public SecretDefinition Secret(string name) =>
        Secrets.FirstOrDefault(s => s.Name == name)
        ?? throw new SecretsPipelineException(
            Codes.UnknownSecret,
            $"secret '{name}' is not declared in secrets.yaml; add it under `secrets:` first.",
            new SourceLocation(Path));
}
