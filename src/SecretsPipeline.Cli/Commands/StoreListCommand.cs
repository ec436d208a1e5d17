using System.CommandLine;
using System.Text.Json.Nodes;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>store list</c>: every ref in the embedded store with its newest readable version.</summary>
internal static class StoreListCommand
{
    public static Command Create(CommandRunner runner, Option<string?> storeName)
    {
        var command = new Command("list", "List the refs in the embedded store with their newest readable version.");
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            await using var store = StoreCommand.Open(context, storeName);
            var rows = new JsonArray();
            foreach (var text in await store.ListRefsAsync(cancellationToken).ConfigureAwait(false))
            {
                var secretRef = StoreCommand.ParseRef(context, text);
                var current = await store.GetCurrentAsync(secretRef, cancellationToken).ConfigureAwait(false);
                rows.Add((JsonNode)new JsonObject { ["ref"] = text, ["current_version"] = current?.Version });
                if (!context.Json)
                {
                    context.Output.Info($"{text}  v{current?.Version ?? "-"}");
                }
            }

            if (context.Json)
            {
                context.Output.WriteJson(new JsonObject { ["refs"] = rows });
            }

            return 0;
        });
        return command;
    }
}
