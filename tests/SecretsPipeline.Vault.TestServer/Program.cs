using System.Globalization;

namespace SecretsPipeline.Vault.TestServer;

/// <summary>
/// Standalone mode for manual use:
/// <c>dotnet run --project tests/SecretsPipeline.Vault.TestServer -- --port 8200 --root-token root [--kv-mount kv]... [--db-role app]... [--transit-key name:type]... [--latency-ms 5]</c>.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var options = new FakeVaultOptions();
        var kvMounts = new List<string>();
        var dbRoles = new List<string>();
        var transitKeys = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--port" when value is not null:
                    options.Port = int.Parse(value, CultureInfo.InvariantCulture);
                    i++;
                    break;
                case "--root-token" when value is not null:
                    options.RootToken = value;
                    i++;
                    break;
                case "--kv-mount" when value is not null:
                    kvMounts.Add(value);
                    i++;
                    break;
                case "--db-role" when value is not null:
                    dbRoles.Add(value);
                    i++;
                    break;
                case "--transit-key" when value is not null:
                    transitKeys.Add(value);
                    i++;
                    break;
                case "--latency-ms" when value is not null:
                    options.Latency = TimeSpan.FromMilliseconds(int.Parse(value, CultureInfo.InvariantCulture));
                    i++;
                    break;
                default:
                    await Console.Error.WriteLineAsync(
                        $"unknown argument '{args[i]}'. Usage: [--port N] [--root-token T] [--kv-mount M]... [--db-role R]... [--transit-key NAME[:TYPE]]... [--latency-ms N]");
                    return 2;
            }
        }

        if (kvMounts.Count > 0)
        {
            options.KvMounts = kvMounts;
        }

        await using var server = await FakeVaultServer.StartAsync(options);
        foreach (var role in dbRoles)
        {
            server.State.Database.AddRole(role, TimeSpan.FromHours(1), TimeSpan.FromHours(24));
        }

        foreach (var key in transitKeys)
        {
            var parts = key.Split(':', 2);
            server.State.Transit.CreateKey(parts[0], parts.Length > 1 ? parts[1] : "ecdsa-p256");
        }

        var stop = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.TrySetResult();
        };
        Console.WriteLine($"fake vault listening on {server.Address} (root token '{server.RootToken}', KV mounts: {string.Join(", ", options.KvMounts)}). Ctrl+C to stop.");
        Console.WriteLine($"export VAULT_ADDR={server.Address.ToString().TrimEnd('/')} VAULT_TOKEN={server.RootToken}");
        await stop.Task;
        return 0;
    }
}
