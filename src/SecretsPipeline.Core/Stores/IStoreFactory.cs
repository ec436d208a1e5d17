using SecretsPipeline.Core.Manifest;

namespace SecretsPipeline.Core.Stores;

/// <summary>Opens the store a manifest entry describes; one implementation per store type is registered by the host.</summary>
public interface IStoreFactory
{
    /// <summary>The <c>type:</c> value this factory serves, e.g. <c>local</c> or <c>vault</c>.</summary>
    string Type { get; }

    /// <param name="definition">The store's manifest entry.</param>
    /// <param name="manifestDirectory">The folder of <c>secrets.yaml</c>, which relative paths are based on.</param>
    ISecretStore Open(StoreDefinition definition, string manifestDirectory);
}
