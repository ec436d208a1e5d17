using System.Text.Json.Nodes;

namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

/// <summary>Pull requests: list with <c>state</c>/<c>head</c>/<c>base</c> filters, create (422 when one is already open), update.</summary>
internal sealed class PullRoutes(FakeRepository repo, GitHubShapes shapes)
{
    public FakeResponse? Handle(string method, string path, IReadOnlyDictionary<string, string> query, JsonObject? body)
    {
        if (method == "GET" && path == "pulls")
        {
            var state = query.GetValueOrDefault("state") ?? "open";
            var head = query.GetValueOrDefault("head");
            var baseBranch = query.GetValueOrDefault("base");
            var found = repo.PullRequests
                .Where(p => state == "all" || p.State == state)
                .Where(p => head is null || $"{repo.Owner}:{p.Head}" == head)
                .Where(p => baseBranch is null || p.Base == baseBranch)
                .Select(p => (JsonNode?)shapes.PullRequest(p));
            return new FakeResponse(200, new JsonArray(found.ToArray()));
        }

        if (method == "POST" && path == "pulls")
        {
            var head = body!["head"]!.GetValue<string>();
            var baseBranch = body["base"]!.GetValue<string>();
            if (!repo.Branches.ContainsKey(head) || !repo.Branches.ContainsKey(baseBranch))
            {
                return FakeResponse.Invalid("PullRequest", $"head or base is not a branch of {repo.Owner}/{repo.Name}");
            }

            if (repo.PullRequests.Any(p => p.State == "open" && p.Head == head && p.Base == baseBranch))
            {
                return FakeResponse.Invalid("PullRequest", $"A pull request already exists for {repo.Owner}:{head}.");
            }

            var pull = new FakePullRequest(repo.NextId(), head, baseBranch) { Title = body["title"]!.GetValue<string>(), Body = body["body"]?.GetValue<string>() ?? string.Empty };
            repo.PullRequests.Add(pull);
            return new FakeResponse(201, shapes.PullRequest(pull));
        }

        if (method == "PATCH" && path.StartsWith("pulls/", StringComparison.Ordinal) && int.TryParse(path["pulls/".Length..], out var number))
        {
            var pull = repo.PullRequests.FirstOrDefault(p => p.Number == number);
            if (pull is null)
            {
                return FakeResponse.NotFound();
            }

            pull.Title = body!["title"]?.GetValue<string>() ?? pull.Title;
            pull.Body = body["body"]?.GetValue<string>() ?? pull.Body;
            pull.State = body["state"]?.GetValue<string>() ?? pull.State;
            return new FakeResponse(200, shapes.PullRequest(pull));
        }

        return null;
    }
}
