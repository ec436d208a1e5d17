using System.CommandLine;
using SecretsPipeline.Cli.Terminal;

namespace SecretsPipeline.Cli.Commands;

/// <summary>
/// <c>store put REF</c>: a new version from standard input (never an argument: arguments show in <c>ps</c>).
/// One trailing newline is dropped, so <c>echo value |</c> stores <c>value</c>.
/// </summary>
internal static class StorePutCommand
{
    public static Command Create(CommandRunner runner, Option<string?> storeName)
    {
        var reference = new Argument<string>("REF") { Description = "<mount>/<path>#<key>; ${env} expands with --env." };
        var cas = new Option<string?>("--cas") { Description = "Check-and-set: write only if the current version is this one (0: only if it does not exist)." };
        var command = new Command("put", "Store a new version of REF, reading the value from standard input.") { reference, cas };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var secretRef = StoreCommand.ParseRef(context, context.Get(reference)!);
            var value = await StandardInput.ReadValueAsync(
                $"pipe the value on standard input, e.g. `printf '%s' \"$VALUE\" | secrets-pipeline store put {secretRef}`.",
                $"standard input was empty; nothing was stored at {secretRef}.",
                cancellationToken).ConfigureAwait(false);

            await using var store = StoreCommand.Open(context, storeName);
            var info = await store.WriteAsync(secretRef, value, context.Get(cas), cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                var report = StoreCommand.Describe(info);
                report["ref"] = secretRef.ToString();
                context.Output.WriteJson(report);
            }
            else
            {
                context.Output.Info($"store: {secretRef} version {info.Version} stored");
            }

            return 0;
        });
        return command;
    }
}
