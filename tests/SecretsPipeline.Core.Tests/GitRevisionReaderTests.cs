using System.Text;
using SecretsPipeline.Core.Errors;
using SecretsPipeline.Core.Tests.Support;
using SecretsPipeline.Git;

namespace SecretsPipeline.Core.Tests;

/// <summary>
/// <see cref="GitRevisionReader"/> is what `--at REV` reads through: redeploying an old release names its tag, and
/// release tags are usually annotated (`git tag -a`), so every kind of revision git accepts for one commit must work.
/// </summary>
public class GitRevisionReaderTests
{
    private const string LockFile = "secrets.lock.json";

    public class TheReadFileMethod
    {
        [Fact]
        public void ReadsAtAnAnnotatedTagALightweightTagABranchAndACommitId()
        {
            using var repo = new GitRepo();
            repo.Write(LockFile, "one");
            var one = repo.Commit("pins one");
            repo.Git("tag", "-a", "-m", "release 1", "v1.0.0");
            repo.Git("tag", "v1.0.0-light");
            repo.Git("branch", "release-1");
            repo.Write(LockFile, "two");
            repo.Commit("pins two");

            using var reader = GitRevisionReader.Open(repo.Path);
            foreach (var revision in new[] { "v1.0.0", "refs/tags/v1.0.0", "v1.0.0-light", "release-1", one, one[..10], "HEAD~1" })
            {
                Assert.Equal("one", Encoding.UTF8.GetString(reader.ReadFile(revision, repo.Combine(LockFile))));
                Assert.Equal(one, reader.CommitId(revision));
            }

            Assert.Equal("two", Encoding.UTF8.GetString(reader.ReadFile("HEAD", repo.Combine(LockFile))));
        }

        [Fact]
        public void RefusesARevisionThatNamesNoCommitWithSpl4002()
        {
            using var repo = new GitRepo();
            repo.Write(LockFile, "one");
            repo.Commit("pins one");
            var blob = repo.Git("rev-parse", "HEAD:" + LockFile).Trim();
            repo.Git("tag", "-a", "-m", "a tag of a file, not of a commit", "blob-tag", blob);

            using var reader = GitRevisionReader.Open(repo.Path);
            foreach (var revision in new[] { "no-such-tag", "blob-tag", blob })
            {
                var error = Assert.Throws<SecretsPipelineException>(() => reader.ReadFile(revision, repo.Combine(LockFile)));
                Assert.Equal(Codes.GitBadRevision, error.Code);
            }
        }
    }
}
