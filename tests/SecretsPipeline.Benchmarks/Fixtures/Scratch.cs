using SecretsPipeline.Core.Signing;
using SecretsPipeline.Stores.Local;

namespace SecretsPipeline.Benchmarks.Fixtures;

/// <summary>
/// A temporary folder for one bench run, with its own <c>SECRETS_PIPELINE_HOME</c> (signing key and embedded-store key),
/// so nothing of the user's home is read or written. Deleted at the end.
/// </summary>
internal sealed class Scratch : IDisposable
{
    private readonly bool _keep;

    public Scratch(bool keep = false)
    {
        _keep = keep;
        Root = Path.Combine(Path.GetTempPath(), $"spl-bench-{Guid.NewGuid():N}"[..22]);
        Directory.CreateDirectory(Root);
        Home = new SecretsPipelineHome(Path.Combine(Root, "home"));
        EcdsaKeys.EnsureSigningKey(Home);
        LocalStoreKey.Ensure(Home);
    }

    public string Root { get; }

    public SecretsPipelineHome Home { get; }

    /// <summary>What every CLI run gets: this home, and none of the caller's trust or parallelism settings.</summary>
    public IReadOnlyDictionary<string, string?> CliEnvironment => new Dictionary<string, string?>
    {
        [SecretsPipelineHome.Variable] = Home.Path,
        [LocalTrustSource.Variable] = null,
        ["SECRETS_PIPELINE_PARALLELISM"] = null,
    };

    public string Folder(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public void Dispose()
    {
        if (_keep)
        {
            Console.WriteLine($"bench: kept {Root}");
            return;
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"bench: could not delete {Root}: {ex.Message}");
        }
    }
}
