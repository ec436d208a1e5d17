using System.Diagnostics;
using System.Security;
using System.Text;
using SecretsPipeline.Testing;
using SecretsPipeline.Vault.TestServer;
using Xunit.Abstractions;

namespace SecretsPipeline.MSBuild.Tests.EndToEnd;

/// <summary>
/// A published app whose pins live in Vault (the Vault-compatible test server on 127.0.0.1, in this process): started
/// from its publish folder under a generic host, it loads the KV version the lock pinned (not the newest), holds a
/// database lease while it runs, and the host's shutdown revokes it. The app prints hashes, never values.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class VaultPublishedAppTests(PackagesFixture packages, ITestOutputHelper output)
{
    private const string PinnedValue = "vault-pinned-db-password-v1-4c2e";
    private const string NewerValue = "vault-newer-db-password-v2-9b71";
    private const string KvPath = "production/app/db";

    // A static secret and a dynamic one. The dynamic entry is DB_LEASE, not DB: `DB` would output DB_USERNAME and
    // DB_PASSWORD, and the manifest parser rightly refuses two entries that output DB_PASSWORD (ManifestOutputCollision).
    private const string Manifest = """
        version: 1
        stores:
          prod: { type: vault }
        environments:
          production: { store: prod }
        secrets:
          DB_PASSWORD: { ref: "secret/${env}/app/db#password" }
          DB_LEASE: { dynamic: "database/creds/app", ttl: 1h }

        """;

    // args[0]: a folder for the handshake with the test ("ready" once configured and started; the app stops when "stop" appears).
    private const string Program = """
        using System;
        using System.IO;
        using System.Security.Cryptography;
        using System.Text;
        using System.Threading;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        var signals = args[0];
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddPinnedSecrets();
        using (var host = builder.Build())
        {
            var configuration = host.Services.GetRequiredService<IConfiguration>();
            foreach (var name in new[] { "DB_PASSWORD", "DB_LEASE_USERNAME", "DB_LEASE_PASSWORD" })
            {
                var value = configuration[name];
                Console.WriteLine(string.IsNullOrEmpty(value) ? $"{name} missing" : $"{name} sha256={Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))}");
            }

            await host.StartAsync();
            File.WriteAllText(Path.Combine(signals, "ready"), "ready");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(Path.Combine(signals, "stop")))
            {
                if (DateTime.UtcNow > deadline)
                {
                    Console.Error.WriteLine("no stop signal within 60s");
                    return 3;
                }

                Thread.Sleep(50);
            }

            await host.StopAsync();
        }

        // Disposing the host disposed the configuration, which revoked the leases.
        Console.WriteLine("host disposed");
        return 0;

        """;

    [Fact]
    public async Task PublishedApp_LoadsThePinnedVaultVersionNotTheNewest_HoldsALeaseWhileRunning_AndRevokesItOnExit()
    {
        var watch = Stopwatch.StartNew();
        var token = $"hvs.MsbuildE2e{Guid.NewGuid():N}";
        await using var vault = await FakeVaultServer.StartAsync(new FakeVaultOptions { RootToken = token });
        Assert.Equal("127.0.0.1", vault.Address.Host);
        vault.State.Database.AddRole("app", TimeSpan.FromHours(1), TimeSpan.FromHours(4));
        var kv = vault.State.Kv("secret");
        Assert.Equal(1, kv.Write(KvPath, new Dictionary<string, string> { ["password"] = PinnedValue }));

        var root = packages.NewDirectory("vault-sample");
        var repository = Directory.CreateDirectory(Path.Combine(root, "app")).FullName;
        var home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
        var signals = Directory.CreateDirectory(Path.Combine(root, "signals")).FullName;
        var manifestPath = Path.Combine(repository, "secrets.yaml");
        var lockPath = Path.Combine(repository, "secrets.lock.json");
        var withHome = new Dictionary<string, string?> { ["SECRETS_PIPELINE_HOME"] = home };
        var withVault = new Dictionary<string, string?>(withHome)
        {
            ["VAULT_ADDR"] = vault.Address.ToString().TrimEnd('/'),
            ["VAULT_TOKEN"] = token,
            ["VAULT_RETRY_WAIT_MIN"] = "0.01",
            ["VAULT_RETRY_WAIT_MAX"] = "0.02",
        };
        await WriteProjectAsync(repository);
        var runs = new List<ProcessResult>();

        // Lock with the packaged CLI while v1 is the newest, then write v2: the lock pins v1.
        runs.Add(await OkAsync(ProcessRunner.Dotnet, [packages.CliPath, "init", "--manifest", manifestPath], repository, withVault));
        File.WriteAllText(manifestPath, Manifest.ReplaceLineEndings("\n"), new UTF8Encoding(false));
        runs.Add(await OkAsync(ProcessRunner.Dotnet, [packages.CliPath, "lock", "--manifest", manifestPath], repository, withVault));
        Assert.Equal(2, kv.Write(KvPath, new Dictionary<string, string> { ["password"] = NewerValue }));
        var lockText = File.ReadAllText(lockPath);
        Assert.Contains("\"version\": \"1\"", lockText, StringComparison.Ordinal);
        Assert.Contains("database/creds/app", lockText, StringComparison.Ordinal);

        // Build and publish need neither Vault nor its token: the lock check is pure, against the home's trusted key.
        var publish = Path.Combine(repository, "publish");
        var published = await OkAsync(ProcessRunner.Dotnet, ["publish", "-c", "Release", "-o", publish, "-v:n"], repository, withHome);
        runs.Add(published);
        Assert.Contains("SecretsPipeline: checked", published.Output, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(lockPath), File.ReadAllBytes(Path.Combine(publish, "secrets.lock.json")));
        Assert.Equal(File.ReadAllBytes(manifestPath), File.ReadAllBytes(Path.Combine(publish, "secrets.yaml")));
        Assert.Empty(vault.State.Leases.All);

        // Started from its publish folder (working directory elsewhere), as a deployment would start it.
        var appEnvironment = new Dictionary<string, string?>(withVault) { ["SECRETS_PIPELINE_ENVIRONMENT"] = "production" };
        var app = ProcessRunner.RunAsync(ProcessRunner.Dotnet, [Path.Combine(publish, "app.dll"), signals], signals, appEnvironment, ChildEnvironment.MSBuild, timeout: TimeSpan.FromSeconds(90));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!File.Exists(Path.Combine(signals, "ready")) && !app.IsCompleted && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        if (!File.Exists(Path.Combine(signals, "ready")))
        {
            File.WriteAllText(Path.Combine(signals, "stop"), "stop");
            Assert.Fail($"the app did not get ready within 60s:\n{await app}");
        }

        // While it runs, Vault holds exactly the one lease it issued for DB_LEASE.
        var lease = Assert.Single(vault.State.Leases.Active);
        Assert.StartsWith("database/creds/app/", lease.LeaseId, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(signals, "stop"), "stop");
        var run = await app;
        runs.Add(run);
        output.WriteLine($"$ {run.CommandLine}  -> exit {run.ExitCode} in {run.Elapsed.TotalSeconds:0.0}s");
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("host disposed", run.StdOut, StringComparison.Ordinal);

        // The pinned version, not the newest; and the lease's own credentials under the dynamic entry's names.
        Assert.Contains($"DB_PASSWORD sha256={SampleProject.Sha256(PinnedValue)}", run.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(SampleProject.Sha256(NewerValue), run.StdOut, StringComparison.Ordinal);
        Assert.Contains($"DB_LEASE_USERNAME sha256={SampleProject.Sha256(lease.Data["username"])}", run.StdOut, StringComparison.Ordinal);
        Assert.Contains($"DB_LEASE_PASSWORD sha256={SampleProject.Sha256(lease.Data["password"])}", run.StdOut, StringComparison.Ordinal);

        // The host's shutdown disposed the configuration: the lease is revoked, nothing valid is left behind.
        Assert.Empty(vault.State.Leases.Active);
        Assert.NotNull(vault.State.Leases.Find(lease.LeaseId)!.RevokedAt);
        Assert.Single(vault.State.Leases.All);

        // No value and not the token in anything the CLI, the build or the app printed (checked without echoing them).
        var secrets = new Dictionary<string, string>
        {
            ["the pinned value"] = PinnedValue,
            ["the newer value"] = NewerValue,
            ["the lease's username"] = lease.Data["username"],
            ["the lease's password"] = lease.Data["password"],
            ["VAULT_TOKEN"] = token,
        };
        foreach (var result in runs)
        {
            foreach (var (what, value) in secrets)
            {
                Assert.False(result.Output.Contains(value, StringComparison.Ordinal), $"{result.CommandLine} printed {what}");
            }
        }

        output.WriteLine($"vault sample: {watch.Elapsed.TotalSeconds:0.0}s");
    }

    private async Task WriteProjectAsync(string directory)
    {
        await File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="secrets-pipeline-test" value="{SecurityElement.Escape(packages.Feed)}" />
              </packageSources>
            </configuration>
            """);

        // A generic host (from the shared ASP.NET Core framework, no download), so shutdown is the host's own disposal.
        await File.WriteAllTextAsync(Path.Combine(directory, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <FrameworkReference Include="Microsoft.AspNetCore.App" />
                <PackageReference Include="SecretsPipeline.MSBuild" Version="{packages.Version}" PrivateAssets="all" />
                <PackageReference Include="SecretsPipeline.Extensions.Configuration" Version="{packages.Version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "Program.cs"), Program);
    }

    private async Task<ProcessResult> OkAsync(string fileName, string[] arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var result = await ProcessRunner.RunAsync(fileName, arguments, workingDirectory, environment, ChildEnvironment.MSBuild);
        output.WriteLine($"$ {result.CommandLine}  -> exit {result.ExitCode} in {result.Elapsed.TotalSeconds:0.0}s");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
