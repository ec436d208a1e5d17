using System.Text.Json.Nodes;

namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

/// <summary>The Git Data API: refs, blobs, trees, commits (GitHub's status codes, including 422 for a bad ref update).</summary>
internal sealed class GitDataRoutes(FakeRepository repo, GitHubShapes shapes)
{
    public FakeResponse? Handle(string method, string path, JsonObject? body)
    {
        if (method == "GET" && path.StartsWith("git/ref/heads/", StringComparison.Ordinal))
        {
            var branch = Uri.UnescapeDataString(path["git/ref/heads/".Length..]);
            return repo.Branches.TryGetValue(branch, out var sha) ? new FakeResponse(200, shapes.Reference(branch, sha)) : FakeResponse.NotFound();
        }

        if (method == "POST" && path == "git/refs")
        {
            var name = body!["ref"]!.GetValue<string>();
            var sha = body["sha"]!.GetValue<string>();
            if (!name.StartsWith("refs/heads/", StringComparison.Ordinal) || !repo.Commits.ContainsKey(sha))
            {
                return FakeResponse.Invalid("Reference", "Reference name or object is not valid");
            }

            var branch = name["refs/heads/".Length..];
            if (repo.Branches.ContainsKey(branch))
            {
                return FakeResponse.Invalid("Reference", "Reference already exists");
            }

            repo.Branches[branch] = sha;
            return new FakeResponse(201, shapes.Reference(branch, sha));
        }

        if (method == "PATCH" && path.StartsWith("git/refs/heads/", StringComparison.Ordinal))
        {
            var branch = Uri.UnescapeDataString(path["git/refs/heads/".Length..]);
            var sha = body!["sha"]!.GetValue<string>();
            var force = body["force"]?.GetValue<bool>() ?? false;
            if (!repo.Branches.TryGetValue(branch, out var current))
            {
                return FakeResponse.Invalid("Reference", "Reference does not exist");
            }

            if (!force && !repo.IsAncestor(current, sha))
            {
                return FakeResponse.Invalid("Reference", "Update is not a fast forward");
            }

            repo.Branches[branch] = sha;
            return new FakeResponse(200, shapes.Reference(branch, sha));
        }

        if (method == "GET" && path.StartsWith("git/commits/", StringComparison.Ordinal))
        {
            return repo.Commits.TryGetValue(path["git/commits/".Length..], out var commit) ? new FakeResponse(200, shapes.Commit(commit)) : FakeResponse.NotFound();
        }

        if (method == "POST" && path == "git/blobs")
        {
            var encoding = body!["encoding"]?.GetValue<string>() ?? "utf-8";
            var content = body["content"]!.GetValue<string>();
            var sha = repo.AddBlob(encoding == "base64" ? Convert.FromBase64String(content) : System.Text.Encoding.UTF8.GetBytes(content));
            return new FakeResponse(201, new JsonObject { ["url"] = $"blobs/{sha}", ["sha"] = sha });
        }

        if (method == "POST" && path == "git/trees")
        {
            return CreateTree(body!);
        }

        if (method == "POST" && path == "git/commits")
        {
            var tree = body!["tree"]!.GetValue<string>();
            var parents = body["parents"]!.AsArray().Select(p => p!.GetValue<string>()).ToArray();
            if (!repo.Trees.ContainsKey(tree) || parents.Any(p => !repo.Commits.ContainsKey(p)))
            {
                return FakeResponse.Invalid("Commit", "Tree SHA or parent SHA does not exist");
            }

            var sha = repo.AddCommit(body["message"]!.GetValue<string>(), tree, parents);
            return new FakeResponse(201, shapes.Commit(repo.Commits[sha]));
        }

        return null;
    }

    private FakeResponse CreateTree(JsonObject body)
    {
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body["base_tree"]?.GetValue<string>() is { } baseTree)
        {
            if (!repo.Trees.TryGetValue(baseTree, out var inherited))
            {
                return FakeResponse.Invalid("Tree", "base_tree is not a valid tree");
            }

            foreach (var entry in inherited)
            {
                entries[entry.Key] = entry.Value;
            }
        }

        foreach (var item in body["tree"]!.AsArray())
        {
            var sha = item!["sha"]?.GetValue<string>();
            if (item["type"]?.GetValue<string>() != "blob" || item["mode"]?.GetValue<string>() != "100644" || sha is null || !repo.Blobs.ContainsKey(sha))
            {
                return FakeResponse.Invalid("Tree", "tree.sha or tree.mode is not valid");
            }

            entries[item["path"]!.GetValue<string>()] = sha;
        }

        return new FakeResponse(201, shapes.Tree(repo.AddTree(entries)));
    }
}
