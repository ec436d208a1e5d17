using System.CommandLine;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.IO;
using SecretsPipeline.Core.Signing;
using SecretsPipeline.Stores.Local;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>init</c>: a starter secrets.yaml, a git-ignore entry for the embedded store, and the keys in the home folder. Safe to rerun.</summary>
internal static class InitCommand
{
    public const string StarterManifest = """
        # secrets.yaml: the secrets this app needs, per environment (committed).
        # Pin them with `secrets-pipeline lock`; commit secrets.lock.json with the code.
        version: 1
        stores:
          dev: { type: local }    # the embedded store, .secrets-pipeline/store.db (git-ignored)
        environments:
          development: { store: dev }
        secrets:
          # DB_PASSWORD: { ref: "secret/${env}/app/db#password" }   # <mount>/<path>#<key>

        """;

    private const string IgnoreEntry = ".secrets-pipeline/";
    private static readonly string _tempEntry = "*" + AtomicFile.TempSuffix;

    public static Command Create(CommandRunner runner)
    {
        var command = new Command("init", "Write a starter secrets.yaml, git-ignore the embedded store, and create the signing and store keys if missing.");
        runner.SetAction(command, (context, _) =>
        {
            var actions = new List<string>();
            if (File.Exists(context.ManifestPath))
            {
                actions.Add($"kept the existing {Path.GetFileName(context.ManifestPath)}");
            }
            else
            {
                AtomicFile.Write(context.ManifestPath, System.Text.Encoding.UTF8.GetBytes(StarterManifest));
                actions.Add($"wrote {Path.GetFileName(context.ManifestPath)}");
            }

            var ignore = Path.Combine(context.ManifestDirectory, ".gitignore");
            var existing = File.Exists(ignore) ? File.ReadAllText(ignore) : string.Empty;
            var lines = existing.Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
            var missing = new[] { IgnoreEntry, _tempEntry }.Where(e => !lines.Contains(e) && !lines.Contains("/" + e)).ToArray();
            if (missing.Length > 0)
            {
                var separator = existing.Length == 0 || existing.EndsWith('\n') ? string.Empty : "\n";
                var block = "# secrets-pipeline: the embedded store (encrypted; never commit it) and temporary files of interrupted writes\n" + string.Join("\n", missing) + "\n";
                AtomicFile.Write(ignore, System.Text.Encoding.UTF8.GetBytes(existing + separator + block));
                actions.Add($"git-ignored {string.Join(" and ", missing)}");
            }

            if (EcdsaKeys.EnsureSigningKey(context.Home))
            {
                actions.Add($"created the signing key {context.Home.SigningKey}");
            }

            if (LocalStoreKey.Ensure(context.Home))
            {
                actions.Add($"created the embedded store key {context.Home.LocalStoreKey}");
            }

            using var key = EcdsaKeys.LoadPrivate(context.Home);
            var keyId = EcdsaKeys.KeyId(key);
            if (context.Json)
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["manifest"] = context.ManifestPath,
                    ["signing_key_id"] = keyId,
                    ["actions"] = new JsonArray(actions.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
                });
            }
            else
            {
                foreach (var action in actions)
                {
                    context.Output.Info($"init: {action}");
                }

                context.Output.Info($"init: locks will be signed by {keyId}; share {context.Home.SigningPublicKey} with whoever verifies them.");
            }

            return Task.FromResult(0);
        });
        return command;
    }
}
