using System.IO.Compression;

namespace Build;

/// <summary>The Azure DevOps task (action/azure-devops): its npm packages, its mock-runner tests and its .vsix.</summary>
internal static partial class Targets
{
    private const string TaskFolderName = "SecretsPipeline";

    private static string TaskDirectory(string root) => Path.Combine(root, "action", "azure-devops");

    // npm is a .cmd shim on Windows, which Process.Start finds only by its full name.
    private static string Npm => OperatingSystem.IsWindows() ? "npm.cmd" : "npm";

    private static string Npx => OperatingSystem.IsWindows() ? "npx.cmd" : "npx";

    /// <summary>Exactly the versions in package-lock.json; the end-to-end tests run the handler with them.</summary>
    private static Task NpmCiAsync(string root) =>
        ProcessRunner.RunAsync(TaskDirectory(root), Npm, "ci", "--no-audit", "--no-fund");

    private static Task TaskTestAsync(string root) =>
        ProcessRunner.RunAsync(TaskDirectory(root), Npm, "test");

    /// <summary>
    /// Stages the task with its production packages only (tfx-cli and the test runner stay out), packs the extension
    /// with tfx, and checks that the .vsix holds the task's manifest, handler and task library.
    /// </summary>
    private static async Task VsixAsync(string root)
    {
        var source = TaskDirectory(root);
        var stage = Path.Combine(root, "artifacts", "azure-devops-extension");
        var output = Path.Combine(root, "artifacts", "vsix");
        foreach (var folder in new[] { stage, output })
        {
            if (Directory.Exists(folder))
            {
                FileSystem.DeleteTree(folder);
            }
        }

        var task = Directory.CreateDirectory(Path.Combine(stage, TaskFolderName)).FullName;
        foreach (var file in new[] { "task.json", "index.js", "package.json", "package-lock.json" })
        {
            File.Copy(Path.Combine(source, file), Path.Combine(task, file));
        }

        File.Copy(Path.Combine(source, "vss-extension.json"), Path.Combine(stage, "vss-extension.json"));
        File.Copy(Path.Combine(source, "README.md"), Path.Combine(stage, "README.md"));
        await ProcessRunner.RunAsync(task, Npm, "ci", "--omit=dev", "--no-audit", "--no-fund");
        await ProcessRunner.RunAsync(source, Npx, "tfx", "extension", "create", "--root", stage, "--manifest-globs", "vss-extension.json", "--output-path", output, "--no-prompt");

        var vsix = Directory.Exists(output) ? Directory.GetFiles(output, "*.vsix") : [];
        if (vsix.Length != 1)
        {
            throw new BuildFailedException($"tfx wrote {vsix.Length} .vsix files to {output}; expected one");
        }

        using var archive = ZipFile.OpenRead(vsix[0]);
        var entries = archive.Entries.Select(e => e.FullName.Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
        var expected = new[] { "task.json", "index.js", "node_modules/azure-pipelines-task-lib/task.js" }.Select(f => $"{TaskFolderName}/{f}");
        var missing = expected.Where(e => !entries.Contains(e)).ToArray();
        if (missing.Length > 0)
        {
            throw new BuildFailedException($"{vsix[0]} lacks {string.Join(", ", missing)}");
        }

        if (entries.Any(e => e.Contains("/node_modules/tfx-cli/", StringComparison.Ordinal)))
        {
            throw new BuildFailedException($"{vsix[0]} holds development packages (tfx-cli)");
        }

        Console.WriteLine($"vsix: {vsix[0]} ({new FileInfo(vsix[0]).Length / 1024} KiB, {entries.Count} files)");
    }
}
