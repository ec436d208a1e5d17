using System.Text.Json.Nodes;
using SecretsPipeline.Core.IO;

namespace SecretsPipeline.Core.Deployments;

/// <summary>The JSON form of a ledger record, shared by stores that keep it as a document and by <c>--json</c> output.</summary>
public static class DeploymentJson
{
    public static JsonObject ToJson(DeploymentRecord record) => new()
    {
        ["id"] = record.Id,
        ["environment"] = record.Environment,
        ["commit"] = record.Commit,
        ["lock_digest"] = record.LockDigest,
        ["state"] = record.State.ToString().ToLowerInvariant(),
        ["created"] = Time(record.Created),
        ["updated"] = Time(record.Updated),
        ["superseded_by"] = record.SupersededBy,
        ["leases"] = new JsonArray(record.Leases.Select(l => (JsonNode?)new JsonObject
        {
            ["lease_id"] = l.LeaseId,
            ["secret"] = l.Secret,
            ["role"] = l.Role,
            ["expires"] = Time(l.Expires),
            ["revoked"] = l.Revoked,
        }).ToArray()),
    };

    public static DeploymentRecord FromJson(JsonNode node) => new(
        node["id"]!.GetValue<string>(),
        node["environment"]!.GetValue<string>(),
        node["commit"]?.GetValue<string>(),
        node["lock_digest"]!.GetValue<string>(),
        Enum.Parse<DeploymentState>(node["state"]!.GetValue<string>(), ignoreCase: true),
        (node["leases"] as JsonArray ?? []).Select(l => new LeaseRecord(
            l!["lease_id"]!.GetValue<string>(),
            l["secret"]!.GetValue<string>(),
            l["role"]!.GetValue<string>(),
            ParseTime(l["expires"]!.GetValue<string>()),
            l["revoked"]?.GetValue<bool>() ?? false)).ToArray(),
        ParseTime(node["created"]!.GetValue<string>()),
        ParseTime(node["updated"]!.GetValue<string>()),
        node["superseded_by"]?.GetValue<string>());

    private static string Time(DateTimeOffset time) => UtcTimestamp.ToText(time);

    private static DateTimeOffset ParseTime(string text) => UtcTimestamp.Parse(text);
}
