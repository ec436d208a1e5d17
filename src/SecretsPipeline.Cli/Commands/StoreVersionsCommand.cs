using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>store versions REF</c>: every version with its creation time and state (active, deleted, revoked).</summary>
internal static class StoreVersionsCommand
{
    public static Command Create(CommandRunner runner, Option<string?> storeName)
    {
        var reference = new Argument<string>("REF") { Description = "<mount>/<path>#<key>" };
        var command = new Command("versions", "List the versions of REF with their state.") { reference };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var secretRef = StoreCommand.ParseRef(context, context.Get(reference)!);
            await using var store = StoreCommand.Open(context, storeName);
            var versions = await store.ListVersionsAsync(secretRef, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                context.Output.WriteJson(new JsonObject
                {
                    ["ref"] = secretRef.ToString(),
                    ["versions"] = new JsonArray(versions.Select(v => (JsonNode?)StoreCommand.Describe(v)).ToArray()),
                });
                return 0;
            }

            foreach (var version in versions)
            {
                var created = version.Created.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                context.Output.Info($"v{version.Version}  {created}  {version.State.ToString().ToLowerInvariant()}");
            }

            return 0;
        });
        return command;
    }
}
