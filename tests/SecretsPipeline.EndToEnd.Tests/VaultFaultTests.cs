using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Testing;
using SecretsPipeline.Vault.TestServer;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// Vault misbehaving under a resolve of many secrets: one 503 or one dropped connection is retried and the resolve
/// succeeds; a persistent failure or a 403 fails the whole resolve with one diagnostic and nothing written; and the
/// token is never printed.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class VaultFaultTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Env = VaultRepo.Environment;
    private const int SecretCount = 20;

    [Fact]
    public async Task A_503_or_a_dropped_connection_on_one_of_many_reads_is_retried_and_the_resolve_succeeds()
    {
        await using var vault = await VaultRepo.StartAsync(tool, output);
        var values = await ArrangeLockedAsync(vault);
        var expected = Dotenv(values);
        var faults = vault.Vault.Faults;

        vault.Vault.Requests.Clear();
        faults.FailNext(1, 503, "/data/production/svc07");
        Assert.Equal(expected, (await vault.Cli.OkAsync("resolve", "--env", Env)).StdOut);
        var svc07 = Reads(vault, "svc07");
        Assert.Equal([503, 200], svc07.Select(r => r.Status));
        Assert.All(svc07, r => Assert.EndsWith("?version=1", r.PathAndQuery, StringComparison.Ordinal));

        vault.Vault.Requests.Clear();
        faults.DropNext(1, "/data/production/svc13");
        Assert.Equal(expected, (await vault.Cli.OkAsync("resolve", "--env", Env)).StdOut);
        Assert.Equal([0, 200], Reads(vault, "svc13").Select(r => r.Status));

        // Both at once, on whichever reads come first, with an --out file.
        vault.Vault.Requests.Clear();
        faults.FailNext(1, 503, "/data/production/svc");
        faults.DropNext(1, "/data/production/svc");
        var outFile = Path.Combine(vault.Repo.Scratch, "deploy.env");
        await vault.Cli.OkAsync("resolve", "--env", Env, "--out", outFile);
        Assert.Equal(expected, await File.ReadAllTextAsync(outFile));
        var statuses = vault.Vault.Requests.Snapshot().Where(r => r.PathAndQuery.Contains("/data/production/svc", StringComparison.Ordinal)).Select(r => r.Status).ToList();
        Assert.Contains(503, statuses);
        Assert.Contains(0, statuses);

        vault.AssertTokenNeverPrinted();
    }

    [Fact]
    public async Task A_persistent_failure_or_a_403_fails_the_whole_resolve_with_one_line_nothing_written_and_no_token_shown()
    {
        await using var vault = await VaultRepo.StartAsync(tool, output);
        var values = await ArrangeLockedAsync(vault);
        var faults = vault.Vault.Faults;
        var outFile = Path.Combine(vault.Repo.Scratch, "deploy.env");
        byte[] previousDeploy = [.. "KEEP=\"the previous deploy's file\"\n"u8, 0x00, 0xFF, (byte)'\n'];
        await File.WriteAllBytesAsync(outFile, previousDeploy);
        var previousTime = File.GetLastWriteTimeUtc(outFile);

        // Every read answers 503 (Vault sealed): each is tried 1 + VAULT_MAX_RETRIES (2) times, then the resolve gives up.
        vault.Vault.Requests.Clear();
        faults.FailNext(100, 503, "data/");
        var sealedRun = await vault.Cli.RunAsync("resolve", "--env", Env, "--out", outFile);
        faults.Clear();
        AssertOneFailureLine(sealedRun, "SPL3104");
        Assert.Contains("503", sealedRun.StdErr, StringComparison.Ordinal);
        Assert.Equal(previousDeploy, await File.ReadAllBytesAsync(outFile));
        Assert.Equal(previousTime, File.GetLastWriteTimeUtc(outFile));
        Assert.Equal([outFile], Directory.GetFiles(vault.Repo.Scratch));
        var attempts = vault.Vault.Requests.Snapshot()
            .Where(r => r.Status == 503 && r.PathAndQuery.Contains("/data/production/", StringComparison.Ordinal))
            .GroupBy(r => r.PathAndQuery)
            .Select(g => g.Count())
            .ToList();
        Assert.NotEmpty(attempts);
        Assert.Contains(3, attempts);
        Assert.All(attempts, n => Assert.InRange(n, 1, 3));

        // The same to standard output: nothing at all is printed there.
        faults.FailNext(100, 503, "data/");
        var sealedStdout = await vault.Cli.RunAsync("resolve", "--env", Env, "--format", "json");
        faults.Clear();
        AssertOneFailureLine(sealedStdout, "SPL3104");

        // Connections dropped every time: unreachable, also with --verbose (which may print the inner exception).
        faults.DropNext(100, "data/");
        var dropped = await vault.Cli.RunAsync("resolve", "--env", Env, "--out", outFile, "--verbose");
        faults.Clear();
        Assert.True(dropped.ExitCode == 1, dropped.ToString());
        Assert.Equal(string.Empty, dropped.StdOut);
        output.WriteLine(dropped.StdErr);
        Assert.Contains(dropped.ErrorLines, l => Regex.IsMatch(l, @"^\S.*: error SPL3105: "));
        Assert.Single(dropped.ErrorLines, l => l.Contains(": error ", StringComparison.Ordinal));
        Assert.Equal(previousDeploy, await File.ReadAllBytesAsync(outFile));

        // 403 on one path: refused at once (not retried), naming the path, never the token.
        vault.Vault.Requests.Clear();
        faults.FailNext(1, 403, "/data/production/svc07");
        var denied = await vault.Cli.RunAsync("resolve", "--env", Env, "--out", outFile);
        faults.Clear();
        var line = AssertOneFailureLine(denied, "SPL3103");
        Assert.Contains("secret/data/production/svc07", line, StringComparison.Ordinal);
        Assert.Contains("403", line, StringComparison.Ordinal);
        Assert.Single(vault.Vault.Requests.Snapshot(), r => r.Status == 403);
        Assert.Equal(previousDeploy, await File.ReadAllBytesAsync(outFile));

        // Vault back to normal: the same command succeeds.
        await vault.Cli.OkAsync("resolve", "--env", Env, "--out", outFile);
        Assert.Equal(Dotenv(values), await File.ReadAllTextAsync(outFile));

        // The server did see the token on every request; the tool never showed it.
        Assert.All(vault.Vault.Requests.Snapshot().Where(r => r.PathAndQuery.Contains("/data/production/", StringComparison.Ordinal)), r => Assert.Equal(vault.Token, r.Token));
        vault.AssertTokenNeverPrinted();
        vault.AssertToolDocumentsInVaultHoldNo(values);
    }

    /// <summary>20 secrets on 20 KV paths, version 1 each, locked.</summary>
    private static async Task<string[]> ArrangeLockedAsync(VaultRepo vault)
    {
        var manifest = new StringBuilder("version: 1\nstores:\n  prod: { type: vault }\nenvironments:\n  production: { store: prod }\nsecrets:\n");
        var values = new string[SecretCount];
        for (var i = 0; i < SecretCount; i++)
        {
            var n = (i + 1).ToString("00", CultureInfo.InvariantCulture);
            manifest.Append(CultureInfo.InvariantCulture, $"  SVC{n}: {{ ref: \"secret/${{env}}/svc{n}#value\" }}\n");
            values[i] = $"svc{n}-{Guid.NewGuid():N}";
            Assert.Equal(1, vault.Put($"production/svc{n}", "value", values[i]));
        }

        await vault.InitAsync(manifest.ToString());
        await vault.Cli.OkAsync("lock");
        return values;
    }

    private static string Dotenv(string[] values) =>
        string.Concat(values.Select((v, i) => $"SVC{i + 1:00}=\"{v}\"\n"));

    private static List<RequestLogEntry> Reads(VaultRepo vault, string path) =>
        [.. vault.Vault.Requests.Snapshot().Where(r => r.Method == "GET" && r.PathAndQuery.Contains($"/data/production/{path}?", StringComparison.Ordinal))];

    /// <summary>
    /// Exit 1, nothing on stdout, and exactly one error line, with <paramref name="code"/>; anything else on stderr is a
    /// warning (the tool warns when Vault, being down, also refused its audit record).
    /// </summary>
    private static string AssertOneFailureLine(ProcessResult result, string code)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(string.Empty, result.StdOut);
        var line = Assert.Single(result.ErrorLines, l => l.Contains(": error ", StringComparison.Ordinal));
        Assert.Matches($@"^\S.*: error {code}: ", line);
        Assert.All(result.ErrorLines.Where(l => l != line), l => Assert.Matches(@"^\S.*: warning SPL\d{4}: ", l));
        return line;
    }
}
