using System.Text.Json.Nodes;

namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

/// <summary>Response bodies in the shapes GitHub's REST reference documents (the fields Octokit reads, and a few more).</summary>
public sealed class GitHubShapes(FakeRepository repo, Func<Uri> apiRoot)
{
    private const string Created = "2025-01-01T00:00:00Z";

    private string Api => $"{apiRoot().ToString().TrimEnd('/')}/repos/{repo.Owner}/{repo.Name}";

    public string Html => $"https://ghe.example.com/{repo.Owner}/{repo.Name}";

    public JsonObject User() => new() { ["login"] = "github-actions[bot]", ["id"] = 41898282, ["type"] = "Bot", ["site_admin"] = false };

    public JsonObject Repository() => new()
    {
        ["id"] = 1296269,
        ["node_id"] = "MDEwOlJlcG9zaXRvcnkxMjk2MjY5",
        ["name"] = repo.Name,
        ["full_name"] = $"{repo.Owner}/{repo.Name}",
        ["owner"] = new JsonObject { ["login"] = repo.Owner, ["id"] = 1, ["type"] = "Organization" },
        ["private"] = true,
        ["html_url"] = Html,
        ["url"] = Api,
        ["default_branch"] = repo.DefaultBranch,
        ["created_at"] = Created,
        ["updated_at"] = Created,
    };

    public JsonObject Reference(string branch, string sha) => new()
    {
        ["ref"] = $"refs/heads/{branch}",
        ["node_id"] = "MDM6UmVmcmVmcy9oZWFkcy9mZWF0dXJlQQ==",
        ["url"] = $"{Api}/git/refs/heads/{branch}",
        ["object"] = new JsonObject { ["type"] = "commit", ["sha"] = sha, ["url"] = $"{Api}/git/commits/{sha}" },
    };

    public JsonObject Commit(FakeCommit commit) => new()
    {
        ["sha"] = commit.Sha,
        ["node_id"] = "MDY6Q29tbWl0NmRjYjA5YjViNTc4NzVmMzM0ZjYxYWViZWQ2OTVlMmU0MTkzZGI1ZQ==",
        ["url"] = $"{Api}/git/commits/{commit.Sha}",
        ["html_url"] = $"{Html}/commit/{commit.Sha}",
        ["author"] = new JsonObject { ["date"] = Created, ["name"] = "github-actions[bot]", ["email"] = "41898282+github-actions[bot]@users.noreply.github.com" },
        ["committer"] = new JsonObject { ["date"] = Created, ["name"] = "GitHub", ["email"] = "noreply@github.com" },
        ["message"] = commit.Message,
        ["tree"] = new JsonObject { ["url"] = $"{Api}/git/trees/{commit.Tree}", ["sha"] = commit.Tree },
        ["parents"] = new JsonArray(commit.Parents.Select(p => (JsonNode?)new JsonObject { ["url"] = $"{Api}/git/commits/{p}", ["sha"] = p, ["html_url"] = $"{Html}/commit/{p}" }).ToArray()),
        ["verification"] = new JsonObject { ["verified"] = false, ["reason"] = "unsigned", ["signature"] = null, ["payload"] = null },
    };

    public JsonObject Tree(string sha) => new()
    {
        ["sha"] = sha,
        ["url"] = $"{Api}/git/trees/{sha}",
        ["tree"] = new JsonArray(repo.Trees[sha].Select(e => (JsonNode?)new JsonObject
        {
            ["path"] = e.Key,
            ["mode"] = "100644",
            ["type"] = "blob",
            ["size"] = repo.Blobs[e.Value].Length,
            ["sha"] = e.Value,
            ["url"] = $"{Api}/git/blobs/{e.Value}",
        }).ToArray()),
        ["truncated"] = false,
    };

    public JsonObject PullRequest(FakePullRequest pull)
    {
        var head = repo.Branches.GetValueOrDefault(pull.Head) ?? string.Empty;
        return new JsonObject
        {
            ["id"] = 1000 + pull.Number,
            ["node_id"] = "MDExOlB1bGxSZXF1ZXN0MQ==",
            ["number"] = pull.Number,
            ["state"] = pull.State,
            ["locked"] = false,
            ["title"] = pull.Title,
            ["body"] = pull.Body,
            ["user"] = User(),
            ["url"] = $"{Api}/pulls/{pull.Number}",
            ["html_url"] = $"{Html}/pull/{pull.Number}",
            ["diff_url"] = $"{Html}/pull/{pull.Number}.diff",
            ["created_at"] = Created,
            ["updated_at"] = Created,
            ["draft"] = false,
            ["merged"] = false,
            ["head"] = new JsonObject { ["label"] = $"{repo.Owner}:{pull.Head}", ["ref"] = pull.Head, ["sha"] = head, ["user"] = User(), ["repo"] = Repository() },
            ["base"] = new JsonObject { ["label"] = $"{repo.Owner}:{pull.Base}", ["ref"] = pull.Base, ["sha"] = repo.Branches[pull.Base], ["user"] = User(), ["repo"] = Repository() },
        };
    }

    public JsonObject Deployment(FakeDeployment deployment) => new()
    {
        ["url"] = $"{Api}/deployments/{deployment.Id}",
        ["id"] = deployment.Id,
        ["node_id"] = "MDEwOkRlcGxveW1lbnQx",
        ["sha"] = deployment.Sha,
        ["ref"] = deployment.Sha,
        ["task"] = deployment.Request["task"]?.GetValue<string>() ?? "deploy",
        ["payload"] = deployment.Request["payload"]?.DeepClone() ?? new JsonObject(),
        ["original_environment"] = deployment.Environment,
        ["environment"] = deployment.Environment,
        ["description"] = deployment.Request["description"]?.GetValue<string>(),
        ["creator"] = User(),
        ["created_at"] = Created,
        ["updated_at"] = Created,
        ["statuses_url"] = $"{Api}/deployments/{deployment.Id}/statuses",
        ["repository_url"] = Api,
        ["transient_environment"] = false,
        ["production_environment"] = false,
    };

    public JsonObject DeploymentStatus(FakeDeployment deployment, long id, string state, string? description) => new()
    {
        ["url"] = $"{Api}/deployments/{deployment.Id}/statuses/{id}",
        ["id"] = id,
        ["node_id"] = "MDE2OkRlcGxveW1lbnRTdGF0dXMx",
        ["state"] = state,
        ["creator"] = User(),
        ["description"] = description,
        ["environment"] = deployment.Environment,
        ["target_url"] = string.Empty,
        ["log_url"] = string.Empty,
        ["created_at"] = Created,
        ["updated_at"] = Created,
        ["deployment_url"] = $"{Api}/deployments/{deployment.Id}",
        ["repository_url"] = Api,
    };

    public JsonObject CommitStatus(long id, FakeCommitStatus status) => new()
    {
        ["url"] = $"{Api}/statuses/{status.Sha}",
        ["id"] = id,
        ["node_id"] = "MDY6U3RhdHVzMQ==",
        ["state"] = status.State,
        ["description"] = status.Description,
        ["target_url"] = status.TargetUrl,
        ["context"] = status.Context,
        ["created_at"] = Created,
        ["updated_at"] = Created,
        ["creator"] = User(),
    };
}
