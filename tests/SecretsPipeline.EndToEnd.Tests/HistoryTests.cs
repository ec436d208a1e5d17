using System.Text.Json;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// <c>history</c> through the packed tool: it reads git history with the git on PATH when there is one, else with
/// libgit2, and prints the same report either way: with git, with no git on PATH, and with a git that fails.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class HistoryTests(PackedToolFixture tool, ITestOutputHelper output)
{
    [Fact]
    public async Task The_report_is_the_same_with_git_without_git_on_path_and_with_a_git_that_fails()
    {
        using var repo = new TestRepo(tool, output);
        await RollbackStoryTests.ArrangeTwoReleasesAsync(repo);
        await repo.Git.RevertHeadAsync();

        var text = await repo.Cli.OkAsync("history", "DB_PASSWORD");
        var json = await repo.Cli.OkAsync("history", "DB_PASSWORD", "--json");

        // Newest first: the revert back to 1, the rotation to 2, the first pin.
        using (var report = JsonDocument.Parse(json.StdOut))
        {
            var entries = report.RootElement.GetProperty("history").EnumerateArray().ToList();
            Assert.Equal(new[] { "1", "2", "1" }, entries.Select(e => e.GetProperty("version").GetString()));
            Assert.StartsWith("Revert \"rotate DB_PASSWORD (v2)\"", entries[0].GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.Equal("pin secrets (v1)", entries[2].GetProperty("message").GetString());
        }

        var empty = Directory.CreateDirectory(Path.Combine(repo.Scratch, "no-git")).FullName;
        var withoutGit = repo.Cli.With(new Dictionary<string, string?> { ["PATH"] = empty, ["DOTNET_ROOT"] = DotnetRoot() });
        Assert.Equal(text.StdOut, (await withoutGit.OkAsync("history", "DB_PASSWORD")).StdOut);
        Assert.Equal(json.StdOut, (await withoutGit.OkAsync("history", "DB_PASSWORD", "--json")).StdOut);

        if (!OperatingSystem.IsWindows())
        {
            var failing = Directory.CreateDirectory(Path.Combine(repo.Scratch, "failing-git")).FullName;
            var fake = Path.Combine(failing, "git");
            await File.WriteAllTextAsync(fake, "#!/bin/sh\necho \"fatal: detected dubious ownership in repository at '$PWD'\" >&2\nexit 128\n");
            File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var withFailingGit = repo.Cli.With(new Dictionary<string, string?>
            {
                ["PATH"] = failing + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
            });
            var failed = await withFailingGit.OkAsync("history", "DB_PASSWORD");
            Assert.Equal(text.StdOut, failed.StdOut);
            Assert.DoesNotContain("dubious", failed.StdErr, StringComparison.Ordinal);
        }
    }

    // Where the tool's host finds .NET once PATH no longer leads to it.
    private static string DotnetRoot()
    {
        var dotnet = PackedToolFixture.DotnetPath;
        if (!Path.IsPathRooted(dotnet))
        {
            var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
            dotnet = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
                .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(folder => Path.Combine(folder, name))
                .First(File.Exists);
        }

        return Path.GetDirectoryName(new FileInfo(dotnet).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path.GetFullPath(dotnet))!;
    }
}
