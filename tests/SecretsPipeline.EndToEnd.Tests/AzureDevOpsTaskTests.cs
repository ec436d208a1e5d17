using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using SecretsPipeline.EndToEnd.Tests.Infrastructure;
using SecretsPipeline.Vault.TestServer;
using Xunit;
using Xunit.Abstractions;

namespace SecretsPipeline.EndToEnd.Tests;

/// <summary>
/// The Azure DevOps task as a real process: <c>node action/azure-devops/index.js</c> with the agent's INPUT_* and
/// variable environment, running the installed tool against the Vault-compatible server. What the agent would read
/// from its standard output is parsed as the agent parses it.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class AzureDevOpsTaskTests(PackedToolFixture tool, ITestOutputHelper output)
{
    private const string Env = VaultRepo.Environment;
    private const string Audience = "api://AzureADTokenExchange";
    private const string Subject = "sc://acme/payments/vault-production";
    private const string Issuer = "https://vstoken.dev.azure.com/3f6b2c1e-0000-4000-8000-0000000000aa";

    [Fact]
    public async Task Resolve_sets_every_value_as_a_secret_variable_no_value_can_issue_a_command_and_the_summary_has_names_and_versions_only()
    {
        await using var vault = await VaultRepo.StartAsync(tool, output);
        var marker = Guid.NewGuid().ToString("N");
        // A multi-line value whose second line is a logging command, and one that tries to end the task.
        var db = $"db-{marker}\n##vso[task.setvariable variable=INJECTED]pwned-{marker}\r\n50% off; ] %0A %AZP25 done";
        var api = $"api-{marker}##vso[task.complete result=Failed;]stop";
        vault.Put("production/app/db", "password", db);
        vault.Put("production/api", "key", api);
        await vault.InitAsync();
        await vault.Cli.OkAsync("lock");
        await vault.Git.CommitAsync("pin secrets", "v1");

        var task = NewTask(vault);
        var run = await task.RunAsync(
            new Dictionary<string, string>
            {
                ["command"] = "resolve",
                ["environment"] = Env,
                ["outputs"] = "API_KEY",
                ["exportEnv"] = "true",
                ["vaultAddress"] = vault.Vault.Address.ToString().TrimEnd('/'),
                ["auth"] = "token",
                ["token"] = vault.Token,
            },
            RetryWaits);
        output.WriteLine(run.StdErr);

        Assert.True(run.ExitCode == 0, run.ToString());
        var commands = VsoCommand.Parse(run.StdOut);
        var complete = Assert.Single(commands, c => c.Name == "task.complete");
        Assert.Equal("Succeeded", complete.Property("result"));
        Assert.All(commands, c => Assert.Contains(c.Name, new[] { "task.setsecret", "task.setvariable", "task.uploadsummary", "task.complete", "task.debug" }));

        // Exactly the three variables asked for, each with issecret=true and the value intact after the agent's unescaping.
        var variables = commands.Where(c => c.Name == "task.setvariable").ToList();
        Assert.Equal(3, variables.Count);
        Assert.All(variables, v => Assert.Equal("true", v.Property("issecret")));
        Assert.Equal(db, Assert.Single(variables, v => v.Property("variable") == "DB_PASSWORD").Data);
        Assert.Equal(api, Assert.Single(variables, v => v.Property("variable") == "API_KEY" && v.Property("isoutput") is null).Data);
        Assert.Equal(api, Assert.Single(variables, v => v.Property("variable") == "API_KEY" && v.Property("isoutput") == "true").Data);
        Assert.DoesNotContain(commands, c => c.Property("variable") == "INJECTED");

        // Masks first: the token and every line of the multi-line value are registered before any variable is set.
        var secrets = commands.Where(c => c.Name == "task.setsecret").Select(c => c.Data).ToList();
        Assert.Contains(vault.Token, secrets);
        Assert.Contains($"##vso[task.setvariable variable=INJECTED]pwned-{marker}", secrets);
        var firstVariable = commands.ToList().FindIndex(c => c.Name == "task.setvariable");
        Assert.True(commands.ToList().FindLastIndex(c => c.Name == "task.setsecret") < firstVariable, run.StdOut);

        // No value or token outside the commands that carry them, nothing on standard error.
        foreach (var line in run.StdOut.Split('\n').Where(l => l.Contains(marker, StringComparison.Ordinal) || l.Contains(vault.Token, StringComparison.Ordinal)))
        {
            Assert.True(line.StartsWith("##vso[task.setsecret]", StringComparison.Ordinal) || line.StartsWith("##vso[task.setvariable ", StringComparison.Ordinal), $"a value or the token is on a plain line: {line}");
        }

        Assert.DoesNotContain(marker, run.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain(vault.Token, run.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("--token", run.StdOut, StringComparison.Ordinal);

        // The summary is uploaded from the agent's temp directory, with names and versions, never values.
        var summaryPath = Assert.Single(commands, c => c.Name == "task.uploadsummary").Data;
        Assert.StartsWith(task.AgentTemp, summaryPath, StringComparison.Ordinal);
        var summary = await File.ReadAllTextAsync(summaryPath);
        Assert.Contains("| DB_PASSWORD | prod | 1 |", summary, StringComparison.Ordinal);
        Assert.Contains("| API_KEY | prod | 1 |", summary, StringComparison.Ordinal);
        Assert.DoesNotContain(marker, summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jwt_auth_logs_in_to_vault_with_the_pipeline_oidc_token_of_the_service_connection()
    {
        await using var vault = await VaultRepo.StartAsync(tool, output);
        var value = $"jwt-read-{Guid.NewGuid():N}";
        vault.Put("production/app/db", "password", value);
        vault.Put("production/api", "key", "api-1");
        await vault.InitAsync();
        await vault.Cli.OkAsync("lock");
        await vault.Git.CommitAsync("pin secrets", "v1");

        // Vault trusts the organisation's issuer, and the role binds the audience and the service connection's subject.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwt = vault.Vault.State.Jwt;
        jwt.AddKey(key);
        jwt.BoundIssuer = Issuer;
        jwt.AddRole("deploy-production", new JwtRole { BoundAudiences = [Audience], BoundSubject = Subject, UserClaim = "sub", TokenPolicies = ["deploy"] });
        var oidcToken = SignEs256(key, Subject);
        var accessToken = $"system-access-token-{Guid.NewGuid():N}";
        await using var oidc = new FakeOidcEndpoint(oidcToken);
        var serviceConnection = "6c8a0d2e-1f3b-4c5d-9e7f-0a1b2c3d4e5f";

        var task = NewTask(vault);
        var extra = new Dictionary<string, string?>(RetryWaits)
        {
            ["SYSTEM_OIDCREQUESTURI"] = oidc.RequestUri,
            ["ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN"] = accessToken,
        };
        var run = await task.RunAsync(
            new Dictionary<string, string>
            {
                ["command"] = "resolve",
                ["environment"] = Env,
                ["vaultAddress"] = vault.Vault.Address.ToString().TrimEnd('/'),
                ["auth"] = "jwt",
                ["jwtRole"] = "deploy-production",
                ["jwtAudience"] = Audience,
                ["serviceConnection"] = serviceConnection,
            },
            extra);
        output.WriteLine(run.StdErr);

        Assert.True(run.ExitCode == 0, run.ToString());
        var request = Assert.Single(oidc.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"Bearer {accessToken}", request.Authorization);
        Assert.Contains("api-version=7.1", request.Url.Query, StringComparison.Ordinal);
        Assert.Contains($"serviceConnectionId={serviceConnection}", request.Url.Query, StringComparison.Ordinal);

        var commands = VsoCommand.Parse(run.StdOut);
        Assert.Equal("Succeeded", Assert.Single(commands, c => c.Name == "task.complete").Property("result"));
        Assert.Contains(commands, c => c.Name == "task.setsecret" && c.Data == oidcToken);
        Assert.Equal(value, Assert.Single(commands, c => c.Property("variable") == "DB_PASSWORD").Data);

        // The read was made with a token Vault issued for the JWT login, not the root token.
        var read = vault.Vault.Requests.Snapshot().Last(r => r.PathAndQuery.StartsWith("/v1/secret/data/production/app/db", StringComparison.Ordinal));
        Assert.NotEqual(vault.Token, read.Token);
        Assert.Equal("auth/jwt/login", vault.Vault.State.Tokens.Lookup(read.Token!)?.Path);
        Assert.DoesNotContain(accessToken, run.StdOut + run.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_uploads_its_summary_and_a_failing_resolve_fails_the_task_with_the_tool_diagnostic()
    {
        await using var vault = await VaultRepo.StartAsync(tool, output);
        vault.Put("production/app/db", "password", "db-1");
        vault.Put("production/api", "key", "api-1");
        await vault.InitAsync();
        await vault.Cli.OkAsync("lock");
        await vault.Git.CommitAsync("pin secrets", "v1");
        var task = NewTask(vault);

        var verify = await task.RunAsync(new Dictionary<string, string> { ["command"] = "verify", ["environment"] = Env, ["auth"] = "token" }, RetryWaits);

        Assert.True(verify.ExitCode == 0, verify.ToString());
        var commands = VsoCommand.Parse(verify.StdOut);
        Assert.Equal("Succeeded", Assert.Single(commands, c => c.Name == "task.complete").Property("result"));
        var summary = await File.ReadAllTextAsync(Assert.Single(commands, c => c.Name == "task.uploadsummary").Data);
        Assert.Contains("secrets-pipeline verify: passed", summary, StringComparison.Ordinal);

        var resolve = await task.RunAsync(new Dictionary<string, string> { ["command"] = "resolve", ["environment"] = "staging", ["auth"] = "token", ["token"] = vault.Token }, RetryWaits);

        var complete = Assert.Single(VsoCommand.Parse(resolve.StdOut), c => c.Name == "task.complete");
        Assert.Equal("Failed", complete.Property("result"));
        Assert.Contains("exited with code 2", complete.Data, StringComparison.Ordinal);
        Assert.Contains("SPL9004", complete.Data, StringComparison.Ordinal);
        Assert.DoesNotContain(VsoCommand.Parse(resolve.StdOut), c => c.Name == "task.setvariable");
    }

    private static Dictionary<string, string?> RetryWaits => new(StringComparer.Ordinal)
    {
        ["VAULT_RETRY_WAIT_MIN"] = "0.01",
        ["VAULT_RETRY_WAIT_MAX"] = "0.02",
    };

    private AzureTask NewTask(VaultRepo vault)
    {
        var agentTemp = Directory.CreateDirectory(Path.Combine(vault.Repo.Scratch, "agent-temp")).FullName;
        return new AzureTask(tool, vault.Repo.Path, vault.Repo.Home, agentTemp);
    }

    private static string SignEs256(ECDsa key, string subject)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        static string Segment(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));
        var header = Segment(new JsonObject { ["alg"] = "ES256", ["typ"] = "JWT" });
        var payload = Segment(new JsonObject { ["iss"] = Issuer, ["sub"] = subject, ["aud"] = Audience, ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600 });
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{header}.{payload}.{Base64Url.EncodeToString(signature)}";
    }
}
