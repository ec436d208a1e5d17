using System.Text.Json.Nodes;

namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

public sealed record FakeResponse(int Status, JsonNode? Body, IReadOnlyDictionary<string, string>? Headers = null)
{
    public const string Docs = "https://docs.github.com/rest";

    /// <summary>The moment the injected primary rate limit resets: 2030-01-02T03:04:05Z.</summary>
    public static readonly DateTimeOffset RateLimitReset = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static FakeResponse Error(int status, string message, JsonArray? errors = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var body = new JsonObject { ["message"] = message, ["documentation_url"] = Docs, ["status"] = status.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (errors is not null)
        {
            body["errors"] = errors;
        }

        return new FakeResponse(status, body, headers);
    }

    public static FakeResponse NotFound() => Error(404, "Not Found");

    public static FakeResponse Invalid(string resource, string message) =>
        Error(422, "Validation Failed", [new JsonObject { ["resource"] = resource, ["code"] = "custom", ["message"] = message }]);

    public static FakeResponse For(FakeFault fault) => fault switch
    {
        FakeFault.NotFound => NotFound(),
        FakeFault.Validation => Invalid("PullRequest", "A pull request already exists for octo:secrets-pipeline/lock-update/all."),
        FakeFault.RateLimited => Error(403, "API rate limit exceeded for installation ID 4242.", headers: new Dictionary<string, string>
        {
            ["x-ratelimit-limit"] = "5000",
            ["x-ratelimit-remaining"] = "0",
            ["x-ratelimit-used"] = "5000",
            ["x-ratelimit-resource"] = "core",
            ["x-ratelimit-reset"] = RateLimitReset.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        }),
        FakeFault.SecondaryRateLimited => Error(429, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.", headers: new Dictionary<string, string>
        {
            ["retry-after"] = "60",
        }),
        FakeFault.Forbidden => Error(403, "Resource not accessible by integration"),
        _ => Error(401, "Bad credentials"),
    };
}
