using System.Text.Json.Nodes;

namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

/// <summary>Deployments, deployment statuses and commit statuses, with GitHub's accepted states.</summary>
internal sealed class StatusRoutes(FakeRepository repo, GitHubShapes shapes)
{
    private static readonly string[] _deploymentStates = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"];
    private static readonly string[] _commitStates = ["error", "failure", "pending", "success"];

    public FakeResponse? Handle(string method, string path, JsonObject? body)
    {
        var segments = path.Split('/');
        if (method == "POST" && path == "deployments")
        {
            var reference = body!["ref"]?.GetValue<string>();
            var sha = reference is null ? null : repo.Commits.ContainsKey(reference) ? reference : repo.Branches.GetValueOrDefault(reference);
            if (sha is null)
            {
                return FakeResponse.Invalid("Deployment", $"No ref found for: {reference}");
            }

            var deployment = new FakeDeployment(repo.NextId(), sha, body["environment"]?.GetValue<string>() ?? "production", body);
            repo.Deployments.Add(deployment);
            return new FakeResponse(201, shapes.Deployment(deployment));
        }

        if (method == "POST" && segments is ["deployments", var id, "statuses"])
        {
            var deployment = repo.Deployments.FirstOrDefault(d => d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) == id);
            var state = body!["state"]?.GetValue<string>();
            if (deployment is null)
            {
                return FakeResponse.NotFound();
            }

            if (state is null || !_deploymentStates.Contains(state))
            {
                return FakeResponse.Invalid("DeploymentStatus", $"state is not included in the list: {state}");
            }

            var description = body["description"]?.GetValue<string>();
            deployment.States.Add(state);
            deployment.Descriptions.Add(description ?? string.Empty);
            return new FakeResponse(201, shapes.DeploymentStatus(deployment, repo.NextId(), state, description));
        }

        if (method == "POST" && segments is ["statuses", var commit])
        {
            var state = body!["state"]?.GetValue<string>();
            var description = body["description"]?.GetValue<string>();
            if (!repo.Commits.ContainsKey(commit))
            {
                return FakeResponse.Invalid("Status", $"No commit found for SHA: {commit}");
            }

            if (state is null || !_commitStates.Contains(state) || description?.Length > 140)
            {
                return FakeResponse.Invalid("Status", "state or description is not valid");
            }

            var status = new FakeCommitStatus(commit, state, body["context"]?.GetValue<string>() ?? "default", description, body["target_url"]?.GetValue<string>());
            repo.Statuses.Add(status);
            return new FakeResponse(201, shapes.CommitStatus(repo.NextId(), status));
        }

        return null;
    }
}
