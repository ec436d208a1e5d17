using System.CommandLine;
using SecretsPipeline.Core.Stores;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>store get REF [--version N]</c>: print one value (the user asked for it) to standard output.</summary>
internal static class StoreGetCommand
{
    public static Command Create(CommandRunner runner, Option<string?> storeName)
    {
        var reference = new Argument<string>("REF") { Description = "<mount>/<path>#<key>" };
        var version = new Option<string?>("--version") { Description = "The version to read (default: the newest readable)." };
        var command = new Command("get", "Print the value of REF (the newest readable version, or --version N).") { reference, version };
        runner.SetAction(command, async (context, cancellationToken) =>
        {
            var secretRef = StoreCommand.ParseRef(context, context.Get(reference)!);
            await using var store = StoreCommand.Open(context, storeName);
            var wanted = context.Get(version)
                ?? (await store.GetCurrentAsync(secretRef, cancellationToken).ConfigureAwait(false))?.Version
                ?? throw new VersionUnavailableException(VersionState.Missing, "latest", $"{secretRef} has no readable version");
            var value = await store.ReadAsync(secretRef, wanted, cancellationToken).ConfigureAwait(false);
            if (context.Json)
            {
                var report = StoreCommand.Describe(value.Version);
                report["ref"] = secretRef.ToString();
                report["value"] = value.Reveal();
                context.Output.WriteJson(report);
            }
            else
            {
                context.Output.Out.WriteLine(value.Reveal());
            }

            return 0;
        });
        return command;
    }
}
