using System.Diagnostics;

namespace Build;

/// <summary>The rollback story, told against the freshly built CLI in a throwaway git repository.</summary>
internal sealed class Demo(string root)
{
    private const string SecretRef = "secret/development/app/db#password";
    private const string V1 = "correct-horse-v1";
    private const string V2 = "correct-horse-v2";
    private const string Manifest = """
        version: 1
        stores:
          dev: { type: local }
        environments:
          development: { store: dev }
        secrets:
          DB_PASSWORD: { ref: "secret/${env}/app/db#password" }

        """;

    private static readonly TimeSpan _stepTimeout = TimeSpan.FromSeconds(30);

    private readonly string _cli = Path.Combine(
        root, "src", "SecretsPipeline.Cli", "bin", "Release", "net10.0", "secrets-pipeline.dll");

    private string _repo = "";
    private Dictionary<string, string?> _cliEnvironment = [];

    public async Task RunAsync()
    {
        if (!File.Exists(_cli))
        {
            throw new BuildFailedException($"expected the built CLI at {_cli}, got no such file");
        }

        var watch = Stopwatch.StartNew();
        var temp = Directory.CreateTempSubdirectory("secrets-pipeline-demo-").FullName;
        try
        {
            _repo = Directory.CreateDirectory(Path.Combine(temp, "repo")).FullName;
            // A fresh home keeps the user's keys and trust untouched; their trust variable must not leak in either.
            _cliEnvironment = new()
            {
                ["SECRETS_PIPELINE_HOME"] = Directory.CreateDirectory(Path.Combine(temp, "home")).FullName,
                ["SECRETS_PIPELINE_TRUSTED_KEYS"] = null,
            };
            await TellAsync();
            Console.WriteLine($"demo passed in {watch.Elapsed.TotalSeconds:0.0}s: a rotation rolled back by git revert, time travel with --at, and a revoked version refused.");
        }
        finally
        {
            FileSystem.TryDeleteTree(temp);
        }
    }

    private async Task TellAsync()
    {
        await GitAsync("init", "-q", "-b", "main");
        // The developer's global signing, hooks or line-ending settings must not change the story.
        string[][] settings =
        [
            ["user.name", "SecretsPipeline Demo"], ["user.email", "demo@secrets-pipeline.invalid"],
            ["commit.gpgsign", "false"], ["tag.gpgsign", "false"], ["core.autocrlf", "false"], ["core.hooksPath", ".git/no-hooks"],
        ];
        foreach (var setting in settings)
        {
            await GitAsync("config", setting[0], setting[1]);
        }

        Say($"setup: empty git repository on main in {_repo}, SECRETS_PIPELINE_HOME in a temporary folder");

        await CliAsync(null, "init");
        var gitignore = Path.Combine(_repo, ".gitignore");
        var ignored = File.Exists(gitignore) ? await File.ReadAllTextAsync(gitignore) : "(no .gitignore)";
        Expect("init: .gitignore", ignored.Contains(".secrets-pipeline/", StringComparison.Ordinal), "an entry for .secrets-pipeline/", ignored.Trim());
        await File.WriteAllTextAsync(Path.Combine(_repo, "secrets.yaml"), Manifest.ReplaceLineEndings("\n"));
        Say("init: secrets.yaml, .gitignore entry and signing key written; secrets.yaml replaced by the one-secret demo manifest");

        await CliAsync(V1, "store", "put", SecretRef);
        await CliAsync(null, "lock");
        await CommitAsync("pin secrets (v1)", "v1");
        Say("v1: stored DB_PASSWORD version 1, locked, committed, tagged v1");

        await CliAsync(V2, "store", "put", SecretRef);
        await CliAsync(null, "lock", "--update");
        await CommitAsync("rotate DB_PASSWORD (v2)", "v2");
        Say("v2: stored DB_PASSWORD version 2, lock --update, committed, tagged v2");

        await ExpectResolvedAsync("resolve at HEAD", V2, "resolve", "--env", "development", "--format", "dotenv");
        Say($"resolve at HEAD → v2's value ({V2})");

        await GitAsync("revert", "--no-edit", "HEAD");
        await ExpectResolvedAsync("resolve after git revert", V1, "resolve", "--env", "development", "--format", "dotenv");
        Say($"git revert HEAD, resolve → v1's value ({V1}): the rollback is an ordinary revert");

        await ExpectResolvedAsync("resolve --at v2", V2, "resolve", "--env", "development", "--at", "v2", "--format", "dotenv");
        Say($"resolve --at v2 → v2's value ({V2}), from the lock committed at tag v2");

        await CliAsync(null, "revoke", "DB_PASSWORD", "--env", "development", "--version", "1");
        var refused = await RawCliAsync(null, "resolve", "--env", "development");
        var line = refused.StdErr.Split('\n').FirstOrDefault(l => l.Contains("SPL3003", StringComparison.Ordinal))?.Trim();
        ExpectExit("resolve of a revoked version", 1, refused);
        Expect("resolve of a revoked version: stderr", line is not null, "a line containing SPL3003", refused.StdErr.Trim());
        Expect("resolve of a revoked version: stdout", !refused.StdOut.Contains("correct-horse", StringComparison.Ordinal), "no secret value", refused.StdOut.Trim());
        Say($"revoke DB_PASSWORD version 1 → resolve at HEAD (pinned to version 1) refused with exit 1: {line}");
    }

    private async Task ExpectResolvedAsync(string step, string value, params string[] arguments)
    {
        var expected = $"DB_PASSWORD=\"{value}\"";
        var result = await CliAsync(null, arguments);
        Expect(step, result.StdOut.Split('\n').Contains(expected), $"a line {expected}", result.StdOut.Trim());
    }

    private async Task CommitAsync(string message, string tag)
    {
        await GitAsync("add", "-A");
        await GitAsync("commit", "-q", "-m", message);
        await GitAsync("tag", tag);
        // The local store holds the plaintext; it must never reach a commit.
        var tracked = (await GitAsync("ls-files")).StdOut.Split('\n');
        Expect($"{tag}: committed files", tracked.Contains("secrets.lock.json"), "secrets.lock.json", string.Join(", ", tracked));
        Expect($"{tag}: committed files", !tracked.Any(f => f.StartsWith(".secrets-pipeline/", StringComparison.Ordinal)), "nothing under .secrets-pipeline/", string.Join(", ", tracked));
    }

    private async Task<ProcessResult> CliAsync(string? stdin, params string[] arguments)
    {
        var result = await RawCliAsync(stdin, arguments);
        ExpectExit($"secrets-pipeline {string.Join(' ', arguments)}", 0, result);
        return result;
    }

    private Task<ProcessResult> RawCliAsync(string? stdin, params string[] arguments) =>
        ProcessRunner.CaptureAsync(_repo, "dotnet", [_cli, .. arguments], stdin, _cliEnvironment, _stepTimeout);

    private async Task<ProcessResult> GitAsync(params string[] arguments)
    {
        var result = await ProcessRunner.CaptureAsync(_repo, "git", arguments, timeout: _stepTimeout);
        ExpectExit($"git {string.Join(' ', arguments)}", 0, result);
        return result;
    }

    private static void ExpectExit(string step, int expected, ProcessResult result) =>
        Expect(step, result.ExitCode == expected, $"exit code {expected}", $"exit code {result.ExitCode}, stderr: {result.StdErr.Trim()}");

    private static void Expect(string step, bool ok, string expected, string actual)
    {
        if (!ok)
        {
            throw new BuildFailedException($"{step}: expected {expected}, got {actual}");
        }
    }

    private static void Say(string line) => Console.WriteLine($"  {line}");
}
