using System.Text.RegularExpressions;

namespace Build;

internal sealed record Target(string Name, string Description, IReadOnlyList<string> DependsOn, Func<Task> Action);

internal static partial class Targets
{
    private const string Solution = "SecretsPipeline.sln";

    public static IReadOnlyList<Target> Create(string root) =>
    [
        new("restore", $"restore NuGet packages of {Solution}", [],
            () => ProcessRunner.RunAsync(root, "dotnet", "restore", Solution)),
        new("format-check", "fail if dotnet format would change any file", ["restore"],
            () => ProcessRunner.RunAsync(root, "dotnet", "format", Solution, "--verify-no-changes", "--no-restore")),
        new("build", "build the solution in Release", ["restore"],
            () => ProcessRunner.RunAsync(root, "dotnet", "build", Solution, "-c", "Release", "--no-restore")),
        new("pack", "pack the tool and the libraries (MSBuild, configuration, stores) into artifacts/packages", ["build"],
            () => ProcessRunner.RunAsync(root, "dotnet", "pack", Solution, "-c", "Release", "--no-build", "-o", "artifacts/packages")),
        new("action-check", "install the Action's checkers (npm ci in action/) and validate action.yml and .github/workflows", [],
            () => ActionCheckAsync(root)),
        new("npm-ci", "install the Azure DevOps task's npm packages from its package-lock.json", [],
            () => NpmCiAsync(root)),
        new("task-test", "run the Azure DevOps task's mock-runner tests (npm test in action/azure-devops)", ["npm-ci"],
            () => TaskTestAsync(root)),
        new("test", "run all tests and print the summary", ["build", "pack", "action-check", "npm-ci", "task-test"],
            () => TestAsync(root)),
        new("vsix", "pack the Azure DevOps extension (task and its production packages) into artifacts/vsix", ["npm-ci"],
            () => VsixAsync(root)),
        new("demo", "narrate the rollback story in a temporary git repository", ["pack"],
            () => new Demo(root).RunAsync()),
        new("bench", "measure the issue-8 rows, each as a ratio to a baseline, into artifacts/bench (not part of test)", ["pack"],
            () => BenchAsync(root)),
        new("reliability", "attack every design §5 promise with the issue-9 trial counts; table in artifacts/reliability (SECRETSPIPELINE_SEED replays)", ["pack"],
            () => ReliabilityAsync(root)),
        new("clean", "delete artifacts/", [],
            () => CleanAsync(root)),
    ];

    private static async Task TestAsync(string root)
    {
        var result = await ProcessRunner.CaptureAsync(
            root, "dotnet", ["test", Solution, "-c", "Release", "--no-build"], echo: true);

        // The per-assembly summaries scroll past between build noise; repeat them where they are seen.
        var summary = (result.StdOut + "\n" + result.StdErr)
            .Split('\n')
            .Select(line => line.TrimEnd())
            .Where(line => SummaryLine().IsMatch(line))
            .ToList();
        Console.WriteLine("test summary:");
        foreach (var line in summary.DefaultIfEmpty("  (dotnet test printed no summary line)"))
        {
            Console.WriteLine($"  {line.Trim()}");
        }

        // One plain closing line with the totals, the form any CI log reader understands.
        var counts = summary.Select(line => Counts().Match(line)).Where(m => m.Success).ToList();
        int Sum(string group) => counts.Sum(m => int.Parse(m.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture));
        Console.WriteLine($"{Sum("passed")} passed, {Sum("failed")} failed, {Sum("skipped")} skipped");

        if (result.ExitCode != 0)
        {
            throw new BuildFailedException($"dotnet test exited with code {result.ExitCode}");
        }
    }

    [GeneratedRegex(@"```yaml\n(?<yaml>name: [^\n]*\non:\n.*?)```", RegexOptions.Singleline)]
    private static partial Regex ReadmeWorkflow();

    [GeneratedRegex(@"Failed:\s+(?<failed>\d+), Passed:\s+(?<passed>\d+), Skipped:\s+(?<skipped>\d+)")]
    private static partial Regex Counts();

    // Release, like the CLI that `pack` built and the bench runs as whole processes; it asserts nothing, so it is no test.
    private static Task BenchAsync(string root) =>
        ProcessRunner.RunAsync(root, "dotnet", "run", "-c", "Release", "--project", "tests/SecretsPipeline.Benchmarks", "--", "--out", "artifacts/bench");

    // npm ci installs exactly what action/package-lock.json pins, so a clean clone checks with the same validator.
    private static async Task ActionCheckAsync(string root)
    {
        var action = Path.Combine(root, "action");
        await ProcessRunner.RunAsync(action, OperatingSystem.IsWindows() ? "npm.cmd" : "npm", "ci", "--no-audit", "--no-fund");
        var validator = Path.Combine(action, "node_modules", "@action-validator", "cli", "cli.mjs");
        var workflows = Path.Combine(root, ".github", "workflows");
        var files = Directory.Exists(workflows) ? Directory.GetFiles(workflows, "*.yml").Order(StringComparer.Ordinal) : Enumerable.Empty<string>();
        foreach (var file in files.Prepend(Path.Combine(root, "action.yml")))
        {
            await ProcessRunner.RunAsync(root, "node", validator, Path.GetRelativePath(root, file));
        }

        // The README's workflow is meant to be copied: check it as a workflow file too.
        var readme = await File.ReadAllTextAsync(Path.Combine(root, "README.md"));
        var temp = Directory.CreateTempSubdirectory("spl-readme-workflows-").FullName;
        try
        {
            var index = 0;
            foreach (Match block in ReadmeWorkflow().Matches(readme))
            {
                var file = Path.Combine(temp, ".github", "workflows", $"readme-{++index}.yml");
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                await File.WriteAllTextAsync(file, block.Groups["yaml"].Value);
                await ProcessRunner.RunAsync(temp, "node", validator, Path.GetRelativePath(temp, file));
            }
        }
        finally
        {
            FileSystem.DeleteTree(temp);
        }

        Console.WriteLine("action.yml, .github/workflows/*.yml and the README's workflows match the GitHub Actions schemas");
    }

    // The same suite `test` runs as a bounded subset, here with the full trial counts; the seed is kept when given so a run replays.
    private static async Task ReliabilityAsync(string root)
    {
        var environment = new Dictionary<string, string?> { ["SECRETSPIPELINE_RELIABILITY"] = "full" };
        var result = await ProcessRunner.CaptureAsync(
            root,
            "dotnet",
            ["test", "tests/SecretsPipeline.Reliability", "-c", "Release", "--no-build", "--logger", "console;verbosity=normal"],
            environment: environment,
            echo: true);
        var table = Path.Combine(root, "artifacts", "reliability", "results.md");
        Console.WriteLine();
        Console.WriteLine(File.Exists(table) ? File.ReadAllText(table) : $"(no table: {table} was not written)");
        if (result.ExitCode != 0)
        {
            throw new BuildFailedException($"the reliability suite failed (dotnet test exited with code {result.ExitCode}); the failed trials and the seed are above");
        }
    }

    private static Task CleanAsync(string root)
    {
        var artifacts = Path.Combine(root, "artifacts");
        if (Directory.Exists(artifacts))
        {
            FileSystem.DeleteTree(artifacts);
            Console.WriteLine($"deleted {artifacts}");
        }

        return Task.CompletedTask;
    }

    // VSTest prints "Passed! - ..." / "Failed! - ..."; Microsoft.Testing.Platform and the terminal logger print "Test summary: ...".
    [GeneratedRegex(@"^\s*(Passed!|Failed!|Test summary:|Test run summary:|Total tests:|No test is available)")]
    private static partial Regex SummaryLine();
}
