using SecretsPipeline.Core.Tests.Support;
using SecretsPipeline.Git;

namespace SecretsPipeline.Core.Tests;

/// <summary>
/// What surrounds git cannot change the history it gives: not the repository's or the user's config (renames followed,
/// mailmaps, re-encoding, colours, replace refs, relative diffs), not GIT_* variables inherited from a hook or a parent
/// git, and not a PATH without git, where libgit2 answers instead.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)]
public class LockHistoryEnvironmentTests
{
    private const string LockPath = "conf ig/é/secrets.lock.json";

    private static byte[] Bytes(ReadOnlySpan<byte> lockBytes) => lockBytes.ToArray();

    [Fact]
    public void ConfigAndInheritedGitVariablesDoNotChangeTheAnswer()
    {
        using var repo = new GitRepo();
        repo.Write(LockPath, "zero");
        repo.Write("conf ig/é/old.json", "before the rename");
        repo.Commit("root pins zero");
        repo.Delete(LockPath);
        repo.Commit("deletes the lock");
        repo.Git("mv", "conf ig/é/old.json", LockPath);
        repo.Commit("renames it to the lock");
        repo.Write(LockPath, "two");
        var replaced = repo.Commit("pins two", author: "Zoë Ünïcode", email: "zoe@example.com");
        repo.Write(LockPath, "three");
        repo.Commit("pins three");
        repo.Git("notes", "add", "-m", "a note", replaced);

        // A replace ref makes git show another commit (another lock) in place of "pins two"; libgit2 ignores them.
        repo.Git("checkout", "-q", "-b", "elsewhere", $"{replaced}~1");
        repo.Write(LockPath, "replacement");
        var replacement = repo.Commit("replacement commit");
        repo.Git("checkout", "-q", "main");
        repo.Git("replace", replaced, replacement);
        repo.Write(".mailmap", "Mapped Name <mapped@example.com> Ada Lovelace <ada@example.com>\n");
        repo.Commit("adds a mailmap");

        var hostile = new[]
        {
            "log.follow=true", "diff.renames=copies", "log.showSignature=true", "color.ui=always", "color.diff=always",
            "log.mailmap=true", "i18n.logOutputEncoding=ISO-8859-1", "core.quotePath=true", "log.date=relative",
            "format.pretty=format:%s", "diff.relative=true", "log.showRoot=false", "diff.ignoreSubmodules=all",
            "core.abbrev=7", "log.abbrevCommit=true", "log.decorate=full", "notes.displayRef=refs/notes/commits",
            "diff.external=/bin/false", "diff.noprefix=true", "log.diffMerges=separate", "pager.log=false",
        };
        foreach (var setting in hostile)
        {
            var (key, value) = (setting[..setting.IndexOf('=')], setting[(setting.IndexOf('=') + 1)..]);
            repo.Git("config", key, value);
        }

        var globalConfig = Path.Combine(repo.Scratch, "global-config");
        File.WriteAllText(globalConfig, "[log]\n\tfollow = true\n\tshowRoot = false\n[core]\n\tquotePath = true\n");
        using var other = new GitRepo();
        other.Write(LockPath, "another repository's lock");
        other.Commit("another repository");

        var lockPath = repo.Combine(LockPath);
        using (new EnvironmentScope(new Dictionary<string, string?>
        {
            ["GIT_DIR"] = Path.Combine(other.Path, ".git"),
            ["GIT_WORK_TREE"] = other.Path,
            ["GIT_OBJECT_DIRECTORY"] = Path.Combine(other.Path, ".git", "objects"),
            ["GIT_CEILING_DIRECTORIES"] = repo.Path,
            ["GIT_CONFIG_PARAMETERS"] = "'log.follow'='true' 'core.quotepath'='true'",
            ["GIT_CONFIG_COUNT"] = "1",
            ["GIT_CONFIG_KEY_0"] = "log.showRoot",
            ["GIT_CONFIG_VALUE_0"] = "false",
            ["GIT_CONFIG_GLOBAL"] = globalConfig,
            ["GIT_GLOB_PATHSPECS"] = "1",
            ["GIT_ICASE_PATHSPECS"] = "1",
            ["GIT_NOTES_REF"] = "refs/notes/commits",
            ["GIT_REPLACE_REF_BASE"] = "refs/replace/",
            ["GIT_EXTERNAL_DIFF"] = "/bin/false",
            ["GIT_PAGER"] = "false",
            ["PAGER"] = "false",
        }))
        {
            var history = LockHistoryTests.BothAgree(lockPath);

            Assert.Equal(
                ["pins three: three", "pins two: two", "renames it to the lock: before the rename", "deletes the lock: (none)", "root pins zero: zero"],
                history);
            Assert.Contains(
                "Zoë Ünïcode <zoe@example.com>",
                LockHistory.Changes(lockPath, Bytes).Select(r => r.Author));
        }
    }

    [Fact]
    public void WithoutGitOnPathLibGit2GivesTheSameAnswer()
    {
        using var repo = new GitRepo();
        repo.Write("secrets.lock.json", "one");
        repo.Commit("pins one");
        repo.Write("secrets.lock.json", "two");
        repo.Commit("pins two", author: "Zoë Ünïcode", date: "2024-05-01T12:00:00+02:00");
        var lockPath = repo.Combine("secrets.lock.json");
        var withGit = LockHistoryTests.BothAgree(lockPath);
        var viaGit = LockHistory.Changes(lockPath, Bytes).Select(LockHistoryTests.Describe).ToList();

        var emptyFolder = Directory.CreateDirectory(Path.Combine(repo.Scratch, "no-git-on-this-path")).FullName;
        using (new EnvironmentScope(new Dictionary<string, string?> { ["PATH"] = emptyFolder }))
        {
            Assert.Null(GitCliLockHistory.TryChanges(lockPath, Bytes, "HEAD", "git"));
            Assert.Equal(viaGit, LockHistory.Changes(lockPath, Bytes).Select(LockHistoryTests.Describe));
        }

        Assert.Equal(["pins two: two", "pins one: one"], withGit);
    }
}
