using System.Globalization;
using System.Text;

namespace SecretsPipeline.Benchmarks.Fixtures;

/// <summary>Generated <c>secrets.yaml</c> texts: one environment, <c>count</c> static secrets named S00001, S00002, ….</summary>
internal static class ManifestText
{
    public const string Environment = "production";

    public static string SecretName(int index) => string.Create(CultureInfo.InvariantCulture, $"S{index:00000}");

    /// <summary>The embedded store at its default path; refs <c>app/${env}/s00001#value</c>.</summary>
    public static string Local(int count) =>
        Build("  local:\n    type: local\n", "local", count, i => $"app/${{env}}/{SecretName(i).ToLowerInvariant()}#value");

    /// <summary>A Vault store at <paramref name="address"/>; one KV v2 path per secret, <c>secret/bench/s00001#value</c>.</summary>
    public static string Vault(Uri address, int count) =>
        Build($"  vault:\n    type: vault\n    address: \"{address}\"\n", "vault", count, i => $"secret/bench/{SecretName(i).ToLowerInvariant()}#value");

    private static string Build(string store, string storeName, int count, Func<int, string> secretRef)
    {
        var text = new StringBuilder($"version: 1\nstores:\n{store}environments:\n  {Environment}:\n    store: {storeName}\nsecrets:\n");
        for (var i = 1; i <= count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {SecretName(i)}:\n    ref: \"{secretRef(i)}\"\n");
        }

        return text.ToString();
    }
}
