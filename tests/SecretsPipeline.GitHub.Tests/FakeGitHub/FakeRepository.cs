using System.Security.Cryptography;
using System.Text;

namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

/// <summary>The one repository the fake serves: git objects (blobs, trees as path maps, commits), branches, pull requests, deployments, statuses.</summary>
public sealed class FakeRepository
{
    private int _counter;

    public FakeRepository(string owner, string name)
    {
        Owner = owner;
        Name = name;
        var tree = AddTree(new Dictionary<string, string>(StringComparer.Ordinal));
        var root = AddCommit("initial commit", tree, []);
        Branches["main"] = root;
    }

    public string Owner { get; }

    public string Name { get; }

    public string DefaultBranch { get; } = "main";

    public Dictionary<string, byte[]> Blobs { get; } = new(StringComparer.Ordinal);

    /// <summary>Tree sha to (path to blob sha).</summary>
    public Dictionary<string, Dictionary<string, string>> Trees { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FakeCommit> Commits { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Branches { get; } = new(StringComparer.Ordinal);

    public List<FakePullRequest> PullRequests { get; } = [];

    public List<FakeDeployment> Deployments { get; } = [];

    public List<FakeCommitStatus> Statuses { get; } = [];

    public string AddBlob(byte[] content)
    {
        var sha = Sha(Encoding.ASCII.GetBytes($"blob {content.Length}\0").Concat(content).ToArray());
        Blobs[sha] = content;
        return sha;
    }

    public string AddTree(Dictionary<string, string> entries)
    {
        var sha = NewSha("tree");
        Trees[sha] = entries;
        return sha;
    }

    public string AddCommit(string message, string tree, IReadOnlyList<string> parents)
    {
        var sha = NewSha("commit");
        Commits[sha] = new FakeCommit(sha, message, tree, parents);
        return sha;
    }

    /// <summary>A commit on <c>main</c> holding <paramref name="path"/> with <paramref name="content"/>, as a local push would leave it.</summary>
    public string PushFile(string path, byte[] content)
    {
        var parent = Commits[Branches[DefaultBranch]];
        var entries = new Dictionary<string, string>(Trees[parent.Tree], StringComparer.Ordinal) { [path] = AddBlob(content) };
        var commit = AddCommit($"update {path}", AddTree(entries), [parent.Sha]);
        Branches[DefaultBranch] = commit;
        return commit;
    }

    /// <summary>Registers a commit made elsewhere (a local clone that was pushed) under its own sha, on top of <c>main</c>.</summary>
    public void AddPushedCommit(string sha, IReadOnlyDictionary<string, byte[]> files)
    {
        var entries = files.ToDictionary(f => f.Key, f => AddBlob(f.Value), StringComparer.Ordinal);
        Commits[sha] = new FakeCommit(sha, "pushed", AddTree(entries), [Branches[DefaultBranch]]);
        Branches[DefaultBranch] = sha;
    }

    /// <summary>The bytes of <paramref name="path"/> at the commit <paramref name="branch"/> points at.</summary>
    public byte[]? FileAt(string branch, string path) =>
        Branches.TryGetValue(branch, out var sha) && Trees[Commits[sha].Tree].TryGetValue(path, out var blob) ? Blobs[blob] : null;

    public bool IsAncestor(string ancestor, string commit)
    {
        var pending = new Stack<string>([commit]);
        while (pending.TryPop(out var sha))
        {
            if (sha == ancestor)
            {
                return true;
            }

            foreach (var parent in Commits.GetValueOrDefault(sha)?.Parents ?? [])
            {
                pending.Push(parent);
            }
        }

        return false;
    }

    public int NextId() => Interlocked.Increment(ref _counter);

    private string NewSha(string kind) => Sha(Encoding.UTF8.GetBytes($"{kind}-{NextId()}-{Guid.NewGuid()}"));

    private static string Sha(byte[] data) => Convert.ToHexStringLower(SHA1.HashData(data));
}
