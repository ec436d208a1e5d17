using System.Security.Cryptography;
using System.Text.RegularExpressions;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Vault.Tests.Support;
using SecretsPipeline.Vault.TestServer;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// The GitHub Action (<c>action.yml</c> + <c>action/index.js</c>) run as the Actions runner runs it — inputs substituted,
/// runner files provided, <c>node</c> on the entry point — against the Vault-compatible server on 127.0.0.1.
/// </summary>
[Collection(CliCollection.Name)]
public sealed partial class ActionTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Env = VaultRepo.Environment;

    // Values built to break out: a newline then workflow commands, heredoc look-alikes, escaped newlines.
    private static readonly string _db = $"db-{Guid.NewGuid():N}\n::set-env name=INJECTED::1\nINJECTED<<EOF\npwned\nEOF";
    private static readonly string _api = $"api-{Guid.NewGuid():N}%0AINJECTED=1\r\nghadelimiter_0";

    [GeneratedRegex("^::add-mask::")]
    private static partial Regex MaskCommand();

    [Fact]
    public async Task Resolve_masks_every_value_first_then_exports_exactly_the_pinned_values_and_the_chosen_outputs()
    {
        await using var vault = await ArrangeAsync();
        var runner = Runner(vault);

        var run = await runner.RunAsync(TokenInputs(vault, ("outputs", "DB_PASSWORD")));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([new("DB_PASSWORD", _db), new("API_KEY", _api)], Sorted(ActionRunner.ParseRunnerFile(runner.EnvFile), "DB_PASSWORD", "API_KEY"));
        Assert.Equal([new KeyValuePair<string, string>("DB_PASSWORD", _db)], ActionRunner.ParseRunnerFile(runner.OutputFile));

        // Masks come before any other line, and nothing else carries any line of any value (or the token).
        var lines = run.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var firstOther = Array.FindIndex(lines, l => !MaskCommand().IsMatch(l));
        var masks = (firstOther < 0 ? lines : lines[..firstOther]).Select(l => Unescape(l["::add-mask::".Length..])).ToArray();
        Assert.Contains(vault.Token, masks);
        foreach (var value in new[] { _db, _api })
        {
            Assert.Contains(value, masks);
            foreach (var line in value.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0))
            {
                Assert.Contains(line, masks);
                Assert.DoesNotContain(lines.Where(l => !MaskCommand().IsMatch(l)), l => l.Contains(line, StringComparison.Ordinal));
                Assert.DoesNotContain(line, run.StdErr, StringComparison.Ordinal);
            }
        }

        Assert.DoesNotContain(vault.Token, run.StdErr, StringComparison.Ordinal);
        var summary = await File.ReadAllTextAsync(runner.SummaryFile);
        Assert.Contains("| DB_PASSWORD | prod | 1 |", summary, StringComparison.Ordinal);
        Assert.Contains("| API_KEY | prod | 1 |", summary, StringComparison.Ordinal);
        Assert.Contains("lock digest: `sha256:", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("db-", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("api-", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_logs_in_to_vault_with_the_runners_oidc_token_for_the_configured_audience_and_role()
    {
        await using var vault = await ArrangeAsync();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        const string audience = "https://github.com/acme-deploy";
        vault.Vault.State.Jwt.AddKey(key);
        vault.Vault.State.Jwt.BoundIssuer = Jwts.Issuer;
        vault.Vault.State.Jwt.AddRole("deploy", new JwtRole
        {
            BoundAudiences = [audience],
            BoundClaims = new Dictionary<string, object> { ["repository"] = Jwts.Repository },
            UserClaim = "repository",
            TokenPolicies = ["root"],
            TokenTtl = TimeSpan.FromMinutes(10),
        });
        await using var oidc = await GitHubOidcEndpoint.StartAsync(aud => Jwts.Sign(key, Jwts.GitHubClaims(aud)));
        var runner = new ActionRunner(tool, vault.Repo.Path, vault.Repo.Home, new Dictionary<string, string?>
        {
            ["VAULT_RETRY_WAIT_MIN"] = "0.01",
            ["VAULT_RETRY_WAIT_MAX"] = "0.02",
            // What `permissions: id-token: write` makes the runner set.
            ["ACTIONS_ID_TOKEN_REQUEST_URL"] = oidc.RequestUrl,
            ["ACTIONS_ID_TOKEN_REQUEST_TOKEN"] = GitHubOidcEndpoint.RequestToken,
        });

        var run = await runner.RunAsync(new Dictionary<string, string>
        {
            ["environment"] = Env,
            ["address"] = vault.Vault.Address.ToString().TrimEnd('/'),
            ["auth"] = "jwt",
            ["jwt-role"] = "deploy",
            ["jwt-audience"] = audience,
        });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal([audience], oidc.Audiences);
        Assert.Empty(oidc.Refusals);
        Assert.Equal([new("DB_PASSWORD", _db), new("API_KEY", _api)], Sorted(ActionRunner.ParseRunnerFile(runner.EnvFile), "DB_PASSWORD", "API_KEY"));
        var read = vault.Vault.Requests.Snapshot().Last(r => r.PathAndQuery.StartsWith("/v1/secret/data/production/", StringComparison.Ordinal));
        Assert.NotEqual(vault.Token, read.Token);
        Assert.Equal("auth/jwt/login", vault.Vault.State.Tokens.Lookup(read.Token!)?.Path);
    }

    [Fact]
    public async Task Resolve_with_export_env_false_sets_only_the_named_step_outputs()
    {
        await using var vault = await ArrangeAsync();
        var runner = Runner(vault);

        var run = await runner.RunAsync(TokenInputs(vault, ("export-env", "false"), ("outputs", "API_KEY")));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(ActionRunner.ParseRunnerFile(runner.EnvFile));
        Assert.Equal([new KeyValuePair<string, string>("API_KEY", _api)], ActionRunner.ParseRunnerFile(runner.OutputFile));
    }

    [Fact]
    public async Task A_failed_resolve_exports_nothing_and_fails_the_step_with_an_annotation()
    {
        await using var vault = await ArrangeAsync();
        var runner = Runner(vault);
        vault.Vault.Faults.FailNext(10, 503, "/data/production/api");

        var run = await runner.RunAsync(TokenInputs(vault));

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("::error title=secrets-pipeline::secrets-pipeline resolve failed (exit 1)", run.StdOut, StringComparison.Ordinal);
        Assert.Contains("SPL3104", run.StdErr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await File.ReadAllTextAsync(runner.EnvFile));
        Assert.DoesNotContain("db-", run.StdOut + run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_that_fails_leaves_the_out_file_and_the_runner_files_as_they_were()
    {
        await using var vault = await ArrangeAsync();
        var scratch = vault.Repo.Scratch;
        var outFile = Path.Combine(scratch, "deploy.env");
        await File.WriteAllTextAsync(outFile, "OLD=1\n");
        var envFile = Path.Combine(scratch, "github_env");
        await File.WriteAllTextAsync(envFile, "EARLIER=1\n");
        // GITHUB_OUTPUT names a folder, so the second append fails after the first succeeded.
        var outputFile = Directory.CreateDirectory(Path.Combine(scratch, "github_output")).FullName;

        var run = await vault.Cli.With(new Dictionary<string, string?> { ["GITHUB_ENV"] = envFile, ["GITHUB_OUTPUT"] = outputFile })
            .RunAsync("resolve", "--env", Env, "--format", "github", "--step-output", "DB_PASSWORD", "--out", outFile);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("SPL9002", run.StdErr, StringComparison.Ordinal);
        Assert.Equal("OLD=1\n", await File.ReadAllTextAsync(outFile));
        Assert.Equal("EARLIER=1\n", await File.ReadAllTextAsync(envFile));
        Assert.DoesNotContain(Directory.GetFiles(scratch), f => f.EndsWith(".secrets-pipeline.tmp", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_name_the_runner_reserves_is_refused_before_anything_is_exported()
    {
        await using var vault = await VaultRepo.StartAsync(tool, output);
        vault.Put("production/app/db", "password", _db);
        await vault.InitAsync("""
            version: 1
            stores:
              prod: { type: vault }
            environments:
              production: { store: prod }
            secrets:
              GITHUB_DEPLOY_KEY: { ref: "secret/${env}/app/db#password" }

            """);
        await vault.Cli.OkAsync("lock");
        var runner = Runner(vault);

        var run = await runner.RunAsync(TokenInputs(vault));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("SPL5002", run.StdErr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await File.ReadAllTextAsync(runner.EnvFile));
        Assert.DoesNotContain("db-", run.StdOut + run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_writes_its_outcome_to_the_job_summary_and_a_tampered_lock_fails_the_step()
    {
        await using var vault = await ArrangeAsync();
        var runner = Runner(vault);

        var ok = await runner.RunAsync(new Dictionary<string, string> { ["command"] = "verify" });
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("verify: passed", await File.ReadAllTextAsync(runner.SummaryFile), StringComparison.Ordinal);

        var text = await File.ReadAllTextAsync(vault.LockPath);
        await File.WriteAllTextAsync(vault.LockPath, text.Replace("\"version\": \"1\"", "\"version\": \"2\"", StringComparison.Ordinal));
        var bad = await runner.RunAsync(new Dictionary<string, string> { ["command"] = "verify" });
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("::error title=secrets-pipeline::", bad.StdOut, StringComparison.Ordinal);
        Assert.Contains("verify: failed", await File.ReadAllTextAsync(runner.SummaryFile), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diff_against_the_base_revision_lists_the_moved_pins_in_the_job_summary()
    {
        await using var vault = await ArrangeAsync();
        vault.Put("production/app/db", "password", "db-v2-" + Guid.NewGuid().ToString("N"));
        await vault.Cli.OkAsync("lock", "--update");
        await vault.Git.CommitAsync("rotate DB_PASSWORD", "v2");
        var runner = Runner(vault);

        var run = await runner.RunAsync(new Dictionary<string, string> { ["command"] = "diff", ["base"] = "v1" });

        Assert.True(run.ExitCode == 0, run.ToString());
        var summary = await File.ReadAllTextAsync(runner.SummaryFile);
        Assert.Contains("| production | DB_PASSWORD | secret/production/app/db#password | 1 | 2 |", summary, StringComparison.Ordinal);
        Assert.DoesNotContain("API_KEY", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_fails_with_a_clear_annotation()
    {
        await using var vault = await ArrangeAsync();

        var run = await Runner(vault).RunAsync(new Dictionary<string, string> { ["command"] = "rotate" });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("input 'command' is 'rotate'; use resolve, verify, lock or diff.", run.StdOut, StringComparison.Ordinal);
    }

    private static List<KeyValuePair<string, string>> Sorted(List<KeyValuePair<string, string>> pairs, params string[] order) =>
        pairs.OrderBy(p => Array.IndexOf(order, p.Key)).ToList();

    private static string Unescape(string data) =>
        data.Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);

    /// <summary>The Action's inputs for a resolve of <see cref="Env"/> with a Vault token, and any others.</summary>
    private static Dictionary<string, string> TokenInputs(VaultRepo vault, params (string Name, string Value)[] others)
    {
        var inputs = new Dictionary<string, string>
        {
            ["environment"] = Env,
            ["address"] = vault.Vault.Address.ToString().TrimEnd('/'),
            ["token"] = vault.Token,
        };
        foreach (var (name, value) in others)
        {
            inputs[name] = value;
        }

        return inputs;
    }

    private ActionRunner Runner(VaultRepo vault) => new(tool, vault.Repo.Path, vault.Repo.Home, new Dictionary<string, string?>
    {
        ["VAULT_RETRY_WAIT_MIN"] = "0.01",
        ["VAULT_RETRY_WAIT_MAX"] = "0.02",
    });

    /// <summary>Two hostile values at version 1 in the fake Vault, locked and committed as tag v1.</summary>
    private async Task<VaultRepo> ArrangeAsync()
    {
        var vault = await VaultRepo.StartAsync(tool, output);
        vault.Put("production/app/db", "password", _db);
        vault.Put("production/api", "key", _api);
        await vault.InitAsync();
        await vault.Cli.OkAsync("lock");
        await vault.Git.CommitAsync("pin secrets", "v1");
        return vault;
    }
}
