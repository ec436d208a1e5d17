using System.Diagnostics;
using System.Text;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Core.Tests.Support;

/// <summary>
/// A throw-away git repository built with the git CLI, with the developer's global and system settings shut out and
/// every commit's author, committer and date set, one minute apart, unless a commit says otherwise.
/// </summary>
public sealed class GitRepo : IDisposable
{
    public const string DefaultAuthor = "Ada Lovelace";
    public const string DefaultEmail = "ada@example.com";

    private static readonly ChildEnvironment _hostWithoutGit = new(["GIT_"]);

    private readonly TempDirectory _directory = new("spl-tests-");
    private DateTimeOffset _clock = new(2024, 1, 1, 9, 0, 0, TimeSpan.Zero);

    public GitRepo()
    {
        Path = Directory.CreateDirectory(_directory.Combine("repo")).FullName;
        Git("init", "-q", "-b", "main");
    }

    /// <summary>The work tree.</summary>
    public string Path { get; }

    /// <summary>A folder beside the work tree.</summary>
    public string Scratch => Directory.CreateDirectory(_directory.Combine("scratch")).FullName;

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public void Write(string relative, string content)
    {
        var file = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllBytes(file, Encoding.UTF8.GetBytes(content));
    }

    public void Delete(string relative)
    {
        var path = Combine(relative);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else
        {
            File.Delete(path);
        }
    }

    /// <summary>Stages everything and commits; returns the commit id.</summary>
    public string Commit(string message, string author = DefaultAuthor, string email = DefaultEmail, string? date = null)
    {
        Git("add", "-A");
        Git(Identity(author, email, date), "commit", "-q", "--allow-empty", "--allow-empty-message", "--no-verify", "-m", message);
        return Head();
    }

    /// <summary>
    /// Commits the staged tree with <paramref name="message"/> byte for byte (commit-tree neither trims nor re-encodes
    /// it), under <paramref name="extraConfig"/> (e.g. i18n.commitEncoding); moves the branch to it.
    /// </summary>
    public string CommitRaw(byte[] message, string author = DefaultAuthor, string email = DefaultEmail, string? date = null, params string[] extraConfig)
    {
        Git("add", "-A");
        var tree = Git("write-tree").Trim();
        var file = System.IO.Path.Combine(Scratch, "message");
        File.WriteAllBytes(file, message);
        var config = extraConfig.SelectMany(c => new[] { "-c", c }).ToArray();
        var commit = Git(Identity(author, email, date), [.. config, "commit-tree", tree, "-p", Head(), "-F", file]).Trim();
        Git("update-ref", "HEAD", commit);
        return commit;
    }

    public string Head() => Git("rev-parse", "HEAD").Trim();

    /// <summary>Runs git in the work tree and returns its standard output; fails the test when git fails.</summary>
    public string Git(params string[] arguments) => Git(Identity(DefaultAuthor, DefaultEmail, null), arguments);

    public void Dispose() => _directory.Dispose();

    private Dictionary<string, string> Identity(string author, string email, string? date)
    {
        _clock = _clock.AddMinutes(1);
        var when = date ?? _clock.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["GIT_AUTHOR_NAME"] = author,
            ["GIT_AUTHOR_EMAIL"] = email,
            ["GIT_AUTHOR_DATE"] = when,
            ["GIT_COMMITTER_NAME"] = author,
            ["GIT_COMMITTER_EMAIL"] = email,
            ["GIT_COMMITTER_DATE"] = when,
        };
    }

    // Synchronous (the fixture builds repositories in constructors and plain facts); no GIT_* of the host reaches git.
    private string Git(Dictionary<string, string> identity, params string[] arguments)
    {
        var variables = IsolatedGit.Variables(_directory.Combine("no-global-config"));
        foreach (var (name, value) in identity)
        {
            variables[name] = value;
        }

        var info = ProcessRunner.StartInfo("git", arguments, Path, variables, _hostWithoutGit);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{ProcessRunner.Describe(info)} failed ({process.ExitCode}): {error.Result}");
        return output;
    }
}
