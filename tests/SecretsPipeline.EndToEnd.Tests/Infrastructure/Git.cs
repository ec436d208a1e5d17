using SecretsPipeline.Testing;
using Xunit;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>The git CLI in one work tree, with the developer's global and system settings (signing, hooks) shut out.</summary>
public sealed class Git(string workingDirectory)
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);

    public async Task InitAsync()
    {
        await RunAsync("init", "-q", "-b", "main");
        string[][] settings =
        [
            ["user.name", "SecretsPipeline E2E"], ["user.email", "e2e@secrets-pipeline.invalid"],
            ["commit.gpgsign", "false"], ["tag.gpgsign", "false"], ["core.autocrlf", "false"], ["core.hooksPath", ".git/no-hooks"],
        ];
        foreach (var setting in settings)
        {
            await RunAsync("config", setting[0], setting[1]);
        }
    }

    /// <summary>
    /// Stages everything, commits, and tags the commit when <paramref name="tag"/> is given: an annotated tag, as
    /// releases are tagged (`git tag -a`), so every `--at TAG` in these tests reads through a tag object.
    /// </summary>
    public async Task CommitAsync(string message, string? tag = null)
    {
        await RunAsync("add", "-A");
        await RunAsync("commit", "-q", "-m", message);
        if (tag is not null)
        {
            await RunAsync("tag", "-a", "-m", $"release {tag}", tag);
        }
    }

    public Task<ProcessResult> RevertHeadAsync() => RunAsync("revert", "--no-edit", "HEAD");

    /// <summary>Runs git and asserts exit code 0.</summary>
    public async Task<ProcessResult> RunAsync(params string[] arguments)
    {
        var environment = IsolatedGit.Variables(Path.Combine(workingDirectory, ".git", "no-global-config"));
        var info = ProcessRunner.StartInfo("git", arguments, workingDirectory, environment, ChildEnvironment.EndToEnd);
        var result = await ProcessRunner.RunAsync(info, null, _timeout);
        Assert.True(result.ExitCode == 0, $"{ProcessRunner.Describe(info)} failed: {result}");
        return result;
    }
}
