using System.Text;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Tests.Support;
using SecretsPipeline.Git;
using SecretsPipeline.Testing;

namespace SecretsPipeline.Core.Tests;

/// <summary>
/// <see cref="LockHistory"/> reads history through the git executable and falls back to libgit2: on the same real
/// repositories both must list the same commits with the same authors, dates, messages and lock bytes, with first-parent
/// semantics (a commit is listed when its lock blob differs from its first parent's), and the git reader must give way
/// to libgit2, not to a different answer, whenever git is missing, fails or prints something unexpected.
/// </summary>
public class LockHistoryTests
{
    private const string LockFile = "secrets.lock.json";

    private static byte[] Bytes(ReadOnlySpan<byte> lockBytes) => lockBytes.ToArray();

    /// <summary>Runs both readers; asserts git answered and both agree; returns the history as "message: lock" lines.</summary>
    internal static List<string> BothAgree(string lockPath, string revision = "HEAD")
    {
        var viaGit = GitCliLockHistory.TryChanges(lockPath, Bytes, revision, "git");
        Assert.True(viaGit is not null, "the git reader gave no answer, so this would only test the fallback");
        var viaLibGit2 = LibGit2LockHistory.Changes(lockPath, Bytes, revision);
        Assert.Equal(viaLibGit2.Count, viaGit.Count);
        foreach (var (expected, actual) in viaLibGit2.Zip(viaGit))
        {
            Assert.Equal(Describe(expected), Describe(actual));
        }

        return [.. viaGit.Select(r => $"{r.Message}: {(r.Lock is null ? "(none)" : Encoding.UTF8.GetString(r.Lock))}")];
    }

    internal static string Describe(LockRevision<byte[]> revision) =>
        $"{revision.Commit} | {revision.Author} | {revision.Date:O} | {revision.Message} | {(revision.Lock is null ? "(none)" : Convert.ToHexString(revision.Lock))}";

    public class TheChangesMethod
    {
        [Fact]
        public void ListsTheRootCommitDeletionAndRecreationButNotUnrelatedOrModeOnlyCommits()
        {
            using var repo = new GitRepo();
            repo.Write(LockFile, "one");
            repo.Write("src/app.cs", "1");
            repo.Commit("root pins one");
            repo.Write("src/app.cs", "2");
            repo.Commit("unrelated");
            repo.Write(LockFile, "two");
            repo.Commit("pins two");
            repo.Git("update-index", "--chmod=+x", LockFile);
            repo.Git("commit", "-q", "-m", "lock made executable");
            repo.Delete(LockFile);
            repo.Commit("deletes the lock");
            repo.Write("src/app.cs", "3");
            repo.Commit("unrelated again");
            repo.Write(LockFile, "one");
            repo.Commit("re-creates the lock as it was at the root");
            repo.Write(LockFile, "three");
            repo.Commit("pins three");

            var history = BothAgree(repo.Combine(LockFile));

            Assert.Equal(
                ["pins three: three", "re-creates the lock as it was at the root: one", "deletes the lock: (none)", "pins two: two", "root pins one: one"],
                history);
        }

        [Fact]
        public void FollowsFirstParentsAndListsAMergeOnlyWhenItsLockDiffersFromItsFirstParents()
        {
            using var repo = new GitRepo();
            repo.Write(LockFile, "a");
            repo.Commit("main pins a");

            // The branch's own lock commits are not on the mainline; the merge that brings its lock in is.
            repo.Git("checkout", "-q", "-b", "feature");
            repo.Write(LockFile, "b");
            repo.Commit("branch pins b");
            repo.Write("src/f.cs", "f");
            repo.Commit("branch unrelated");
            repo.Git("checkout", "-q", "main");
            repo.Write("src/m.cs", "m");
            repo.Commit("main unrelated");
            repo.Git("merge", "-q", "--no-ff", "-m", "merge brings b", "feature");

            // A merge that keeps the mainline's lock is not listed, though it differs from the second parent's.
            repo.Git("checkout", "-q", "-b", "feature2");
            repo.Write(LockFile, "c");
            repo.Commit("branch pins c");
            repo.Git("checkout", "-q", "main");
            repo.Git("merge", "-q", "-s", "ours", "-m", "merge keeps b", "feature2");

            // The mainline changes the lock, then merges a branch that did not touch it: only the mainline commit.
            repo.Git("checkout", "-q", "-b", "feature3");
            repo.Write("src/g.cs", "g");
            repo.Commit("branch unrelated 3");
            repo.Git("checkout", "-q", "main");
            repo.Write(LockFile, "d");
            repo.Commit("main pins d");
            repo.Git("merge", "-q", "--no-ff", "-m", "merge keeps d", "feature3");

            // A merge that edits the lock itself (differs from both parents).
            repo.Git("checkout", "-q", "-b", "feature4");
            repo.Write("src/h.cs", "h");
            repo.Commit("branch unrelated 4");
            repo.Git("checkout", "-q", "main");
            repo.Git("merge", "-q", "--no-ff", "--no-commit", "feature4");
            repo.Write(LockFile, "e");
            repo.Commit("merge edits the lock to e");

            var history = BothAgree(repo.Combine(LockFile));

            Assert.Equal(["merge edits the lock to e: e", "main pins d: d", "merge brings b: b", "main pins a: a"], history);
        }

        [Fact]
        public void ReadsALockInASubfolderNamedInNonAsciiAndIgnoresLookalikePaths()
        {
            using var repo = new GitRepo();
            const string folder = "déploiement/prod [eu]";
            var lockPath = $"{folder}/{LockFile}";
            repo.Write(LockFile, "root lock");
            repo.Write(lockPath, "one");
            repo.Commit("pins one");
            repo.Write(LockFile, "root lock changed");
            repo.Write($"{folder}/{LockFile}.bak", "backup");
            repo.Write($"{folder}/{LockFile}x", "lookalike");
            repo.Write($"déploiement/{LockFile}", "parent folder lock");
            repo.Commit("only lookalikes change");
            repo.Write(lockPath, "two");
            repo.Commit("pins two");

            // The lock's path becomes a folder, then a file again.
            repo.Delete(lockPath);
            repo.Write($"{lockPath}/inner.json", "inside");
            repo.Commit("lock path becomes a folder");
            repo.Write($"{lockPath}/inner.json", "inside changed");
            repo.Commit("file inside the folder changes");
            repo.Delete(lockPath);
            repo.Write(lockPath, "three");
            repo.Commit("pins three");

            var history = BothAgree(repo.Combine(lockPath));

            Assert.Equal(["pins three: three", "lock path becomes a folder: (none)", "pins two: two", "pins one: one"], history);
        }

        [Fact]
        public void TreatsASymlinkAsItsBlobAndASubmoduleAsNoLock()
        {
            using var repo = new GitRepo();
            repo.Write(LockFile, "one");
            repo.Commit("pins one");
            Stage(repo, "120000", Blob(repo, "elsewhere.json"));
            repo.Git("commit", "-q", "-m", "lock becomes a symlink");
            Stage(repo, "160000", repo.Head());
            repo.Git("commit", "-q", "-m", "lock becomes a submodule");
            Stage(repo, "100644", Blob(repo, "two"));
            repo.Git("commit", "-q", "-m", "pins two");

            var history = BothAgree(repo.Combine(LockFile));

            Assert.Equal(["pins two: two", "lock becomes a submodule: (none)", "lock becomes a symlink: elsewhere.json", "pins one: one"], history);
        }

        [Fact]
        public void ReadsFromARevisionOtherThanHead()
        {
            using var repo = new GitRepo();
            repo.Write(LockFile, "one");
            repo.Commit("pins one");
            repo.Git("tag", "-a", "-m", "release 1", "v1");
            repo.Write(LockFile, "two");
            var two = repo.Commit("pins two");
            repo.Git("branch", "release");
            repo.Write("src/app.cs", "x");
            repo.Commit("unrelated");
            repo.Write(LockFile, "three");
            repo.Commit("pins three");

            var lockPath = repo.Combine(LockFile);
            Assert.Equal(["pins one: one"], BothAgree(lockPath, "v1"));
            Assert.Equal(["pins two: two", "pins one: one"], BothAgree(lockPath, "release"));
            Assert.Equal(["pins two: two", "pins one: one"], BothAgree(lockPath, two));
            Assert.Equal(["pins two: two", "pins one: one"], BothAgree(lockPath, two[..12]));
            Assert.Equal(["pins two: two", "pins one: one"], BothAgree(lockPath, "HEAD~1"));
            Assert.Equal(["pins three: three", "pins two: two", "pins one: one"], BothAgree(lockPath, "main"));
        }

        [Fact]
        public void KeepsNonAsciiAuthorsMessagesOddMessagesAndTimeZonesAsLibGit2ReadsThem()
        {
            using var repo = new GitRepo();
            repo.Write(LockFile, "1");
            repo.Commit("Ротация ключей 🔑 — première", author: "Zoë Ünïcode-Łukasz 李", email: "zoë@exämple.com", date: "2024-03-01T10:00:00+05:30");
            repo.Write(LockFile, "2");
            repo.Commit("subject line\n\nbody paragraph\nwith two lines", date: "2024-03-02T10:00:00-08:00");
            repo.Write(LockFile, "3");
            repo.CommitRaw("\n\n  leading blank lines and spaces  \r\nsecond line\r\n"u8.ToArray(), date: "2024-03-03T10:00:00+14:00");
            repo.Write(LockFile, "4");
            repo.CommitRaw(Encoding.Latin1.GetBytes("Schlüssel gedreht für Jürgen\n"), author: "Jürgen Müller", date: "2024-03-04T10:00:00-12:00", extraConfig: ["i18n.commitEncoding=ISO-8859-1"]);
            repo.Write(LockFile, "5");
            repo.CommitRaw([]);
            repo.Write(LockFile, "6");
            repo.CommitRaw("one line without a newline at the end"u8.ToArray());

            var history = BothAgree(repo.Combine(LockFile));

            Assert.Equal(6, history.Count);
            Assert.Equal("Ротация ключей 🔑 — première: 1", history[^1]);
            Assert.Equal("subject line: 2", history[^2]);
            Assert.Equal("  leading blank lines and spaces second line: 3", history[^3]);
        }

        [Fact]
        public void ReadsAShallowCloneAsLibGit2Does()
        {
            using var repo = new GitRepo();
            for (var i = 1; i <= 4; i++)
            {
                repo.Write(LockFile, $"v{i}");
                repo.Commit($"pins v{i}");
            }

            var clone = Path.Combine(repo.Scratch, "shallow");
            repo.Git("clone", "-q", "--depth", "2", "--no-local", $"file://{repo.Path}", clone);

            var history = BothAgree(Path.Combine(clone, LockFile));

            // The shallow root is listed as adding the lock: it has no parent here.
            Assert.Equal(["pins v4: v4", "pins v3: v3"], history);
        }

        [Fact]
        public void FallsBackToLibGit2WhenGitIsNotThere()
        {
            using var repo = LinearRepo();
            var lockPath = repo.Combine(LockFile);
            var missing = Path.Combine(repo.Scratch, "no-git-here");

            Assert.Null(GitCliLockHistory.TryChanges(lockPath, Bytes, "HEAD", missing));
            Assert.Equal(
                LibGit2LockHistory.Changes(lockPath, Bytes, "HEAD").Select(Describe),
                LockHistory.Changes(lockPath, Bytes, "HEAD", missing).Select(Describe));
        }

        [Theory]
        [InlineData("echo \"fatal: detected dubious ownership in repository at '$PWD'\" >&2; exit 128")]
        [InlineData("echo 'error: unknown option `diff-merges=first-parent'\"'\" >&2; exit 129")]
        [InlineData("printf 'not what git log prints\\000'; exit 0")]
        [InlineData("printf '%s\\000' 0123456789abcdef0123456789abcdef01234567 a b 'yesterday' msg; exit 0")]
        [InlineData("case \"$*\" in *cat-file*) exec git \"$@\";; esac; git \"$@\" | head -c 150; exit 0")]
        [InlineData("case \"$*\" in *cat-file*) echo 'fatal: cat-file died' >&2; exit 128;; esac; exec git \"$@\"")]
        [InlineData("case \"$*\" in *cat-file*) printf 'nonsense\\n'; exec sleep 30;; esac; exec git \"$@\"")]
        public void FallsBackToLibGit2WhenGitFailsOrPrintsSomethingElse(string script)
        {
            if (OperatingSystem.IsWindows())
            {
                return;
            }

            using var repo = LinearRepo();
            var lockPath = repo.Combine(LockFile);
            var fake = Path.Combine(repo.Scratch, "fake-git");
            File.WriteAllText(fake, $"#!/bin/sh\n{script}\n");
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var started = System.Diagnostics.Stopwatch.StartNew();
            Assert.Null(GitCliLockHistory.TryChanges(lockPath, Bytes, "HEAD", fake));
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"falling back took {started.Elapsed}");
            Assert.Equal(
                LibGit2LockHistory.Changes(lockPath, Bytes, "HEAD").Select(Describe),
                LockHistory.Changes(lockPath, Bytes, "HEAD", fake).Select(Describe));
        }

        [Theory]
        [InlineData("no-such-branch")]
        [InlineData("HEAD~1..HEAD")]
        [InlineData("^HEAD")]
        [InlineData("HEAD^@")]
        [InlineData("--all")]
        public void ReportsARevisionThatIsNotOneCommitAsSpl4002(string revision)
        {
            using var repo = LinearRepo();
            var lockPath = repo.Combine(LockFile);

            Assert.Null(GitCliLockHistory.TryChanges(lockPath, Bytes, revision, "git"));
            var error = Assert.Throws<SecretsPipelineException>(() => LockHistory.Changes(lockPath, Bytes, revision));
            Assert.Equal(Codes.GitBadRevision, error.Code);
        }

        [Fact]
        public void ReportsALockOutsideAnyRepositoryAsSpl4001()
        {
            using var directory = new TempDirectory("spl-tests-");
            var lockPath = directory.Combine(LockFile);

            var error = Assert.Throws<SecretsPipelineException>(() => LockHistory.Changes(lockPath, Bytes));

            Assert.Equal(Codes.GitNoRepository, error.Code);
        }

        [Fact]
        public void LetsWhatTheCallersReaderThrowsThroughInsteadOfFallingBack()
        {
            using var repo = LinearRepo();
            var calls = 0;

            var error = Assert.Throws<FormatException>(() => LockHistory.Changes<byte[]>(repo.Combine(LockFile), _ =>
            {
                Interlocked.Increment(ref calls);
                throw new FormatException("the caller's own failure");
            }));

            Assert.Equal("the caller's own failure", error.Message);
            Assert.Equal(1, calls);
        }

        private static GitRepo LinearRepo()
        {
            var repo = new GitRepo();
            repo.Write(LockFile, "one");
            repo.Commit("pins one");
            repo.Write("src/app.cs", "x");
            repo.Commit("unrelated");
            repo.Write(LockFile, "two");
            repo.Commit("pins two");
            return repo;
        }

        private static string Blob(GitRepo repo, string content)
        {
            var file = Path.Combine(repo.Scratch, "blob");
            File.WriteAllText(file, content);
            return repo.Git("hash-object", "-w", file).Trim();
        }

        // Replaces the lock's index entry with one of the given mode (a symlink, a submodule) and stages nothing else.
        private static void Stage(GitRepo repo, string mode, string id)
        {
            repo.Git("update-index", "--force-remove", LockFile);
            repo.Git("update-index", "--add", "--cacheinfo", $"{mode},{id},{LockFile}");
        }
    }
}
