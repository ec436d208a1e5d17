using System.Text.Json.Nodes;

namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

/// <summary>A deployment as created (its request body kept whole) and the states its statuses went through.</summary>
public sealed record FakeDeployment(long Id, string Sha, string Environment, JsonObject Request)
{
    public List<string> States { get; } = [];

    public List<string> Descriptions { get; } = [];
}
