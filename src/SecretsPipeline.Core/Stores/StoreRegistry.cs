using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;

namespace SecretsPipeline.Core.Stores;

/// <summary>Opens each named store once per command and closes them all together.</summary>
public sealed class StoreRegistry(IEnumerable<IStoreFactory> factories, string manifestDirectory) : IAsyncDisposable
{
    private readonly Dictionary<string, IStoreFactory> _factories = factories.ToDictionary(f => f.Type, StringComparer.Ordinal);
    private readonly Dictionary<string, ISecretStore> _open = new(StringComparer.Ordinal);

    public ISecretStore Open(StoreDefinition definition)
    {
        if (_open.TryGetValue(definition.Name, out var store))
        {
            return store;
        }

        if (!_factories.TryGetValue(definition.Type, out var factory))
        {
            throw new SecretsPipelineException(
                Codes.StoreUnsupported,
                $"store '{definition.Name}' has type '{definition.Type}', which this build of secrets-pipeline cannot open.",
                definition.Location);
        }

        store = factory.Open(definition, manifestDirectory);
        _open[definition.Name] = store;
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _open.Values)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        _open.Clear();
    }
}
