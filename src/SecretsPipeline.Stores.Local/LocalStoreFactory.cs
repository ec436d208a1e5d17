using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Stores.Local;

/// <summary>Opens <c>type: local</c> stores; the database path defaults to <c>.secrets-pipeline/store.db</c> beside secrets.yaml.</summary>
public sealed class LocalStoreFactory(SecretsPipelineHome home) : IStoreFactory
{
    public const string DefaultPath = ".secrets-pipeline/store.db";

    public string Type => "local";

    public ISecretStore Open(StoreDefinition definition, string manifestDirectory)
    {
        var relative = definition.Setting("path") ?? DefaultPath;
        return new LocalStore(Path.GetFullPath(relative, manifestDirectory), relative, home);
    }
}
