using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Manifest;
using SecretsPipeline.Core.Stores;
using SecretsPipeline.Stores.Local;

namespace SecretsPipeline.Cli.Commands;

/// <summary><c>store put|get|list|versions</c>: manage the embedded store. Values come in on standard input only.</summary>
internal static class StoreCommand
{
    public static Command Create(CommandRunner runner)
    {
        var storeName = new Option<string?>("--store") { Description = "The store (a `type: local` entry of secrets.yaml); default: the --env's store, or the only local store.", Recursive = true };
        var command = new Command("store", "Manage the embedded store: put, get, list, versions.") { storeName };
        command.Subcommands.Add(StorePutCommand.Create(runner, storeName));
        command.Subcommands.Add(StoreGetCommand.Create(runner, storeName));
        command.Subcommands.Add(StoreListCommand.Create(runner, storeName));
        command.Subcommands.Add(StoreVersionsCommand.Create(runner, storeName));
        return command;
    }

    /// <summary>Opens the embedded store the options select.</summary>
    internal static LocalStore Open(CommandContext context, Option<string?> storeOption)
    {
        var definition = Select(context, context.Get(storeOption));
        return (LocalStore)new LocalStoreFactory(context.Home).Open(definition, context.ManifestDirectory);
    }

    /// <summary>Parses a REF argument; <c>${env}</c> is expanded with --env.</summary>
    internal static SecretRef ParseRef(CommandContext context, string text)
    {
        if (text.Contains("${env}", StringComparison.Ordinal))
        {
            text = text.Replace("${env}", context.RequireEnvironment("store with a ${env} ref"), StringComparison.Ordinal);
        }

        return SecretRef.TryParse(text, null, out var parsed, out var problem)
            ? parsed
            : throw new SecretsPipelineException(Codes.StoreBadRef, $"'{text}' is not a ref: {problem}; write `<mount>/<path>#<key>`, e.g. secret/development/app/db#password.");
    }

    internal static JsonObject Describe(SecretVersionInfo info) => new()
    {
        ["version"] = info.Version,
        ["created"] = info.Created.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        ["state"] = info.State.ToString().ToLowerInvariant(),
    };

    private static StoreDefinition Select(CommandContext context, string? name)
    {
        if (!File.Exists(context.ManifestPath) && name is null && context.Environment is null)
        {
            return new StoreDefinition("local", "local", new Dictionary<string, string>(), new SourceLocation(context.ManifestPath));
        }

        var manifest = context.ReadManifest();
        var definition = name is not null
            ? manifest.Stores.GetValueOrDefault(name) ?? throw new SecretsPipelineException(Codes.Usage, $"store '{name}' is not declared in secrets.yaml.")
            : context.Environment is { } env
                ? manifest.StoreFor(env)
                : manifest.Stores.Values.Where(s => s.Type == "local").ToArray() switch
                {
                    [var only] => only,
                    [] => throw new SecretsPipelineException(Codes.Usage, "secrets.yaml declares no `type: local` store."),
                    _ => throw new SecretsPipelineException(Codes.Usage, "secrets.yaml declares several local stores; choose one with --store or --env."),
                };
        return definition.Type == "local"
            ? definition
            : throw new SecretsPipelineException(Codes.StoreUnsupported, $"store '{definition.Name}' has type '{definition.Type}'; `store` manages the embedded (local) store only — use that store's own tools.");
    }
}
