using System.Security;
using System.Security.Cryptography;
using System.Text;
using SecretsPipeline.Testing;
using Xunit.Abstractions;

namespace SecretsPipeline.MSBuild.Tests.EndToEnd;

/// <summary>
/// A throw-away SDK console app that references the packed SecretsPipeline.MSBuild and
/// SecretsPipeline.Extensions.Configuration, with its own <c>SECRETS_PIPELINE_HOME</c>, a secret in the embedded
/// store and a lock made by the packaged CLI. The app prints the SHA-256 of the secret it loads, never the value.
/// </summary>
public sealed class SampleProject
{
    public const string SecretValue = "pinned-db-password-7f3a";

    public const string Manifest = """
        version: 1
        stores:
          dev: { type: local }
        environments:
          development: { store: dev }
        secrets:
          DB_PASSWORD: { ref: "secret/${env}/app/db#password" }

        """;

    private const string Program = """
        using System;
        using System.Reflection;
        using System.Security.Cryptography;
        using System.Text;
        using Microsoft.Extensions.Configuration;

        // args[0]: the folder the embedded store's relative path is based on (the repository, not the publish folder).
        using var configuration = (ConfigurationRoot)new ConfigurationBuilder()
            .AddPinnedSecrets("development", options => options.StoreBaseDirectory = args[0])
            .Build();
        var value = configuration["DB_PASSWORD"] ?? string.Empty;
        Console.WriteLine("DB_PASSWORD sha256=" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value))));
        foreach (var metadata in typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            Console.WriteLine($"{metadata.Key}={metadata.Value}");
        }

        """;

    private readonly PackagesFixture _packages;
    private readonly ITestOutputHelper _output;

    private SampleProject(PackagesFixture packages, ITestOutputHelper output)
    {
        _packages = packages;
        _output = output;
        var root = packages.NewDirectory("sample");
        Directory = System.IO.Directory.CreateDirectory(Path.Combine(root, "app")).FullName;
        Home = System.IO.Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
    }

    public string Directory { get; }

    public string Home { get; }

    public string ManifestPath => Path.Combine(Directory, "secrets.yaml");

    public string LockPath => Path.Combine(Directory, "secrets.lock.json");

    public static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>Writes the project, then runs the packaged CLI: init, store put, lock.</summary>
    public static async Task<SampleProject> CreateAsync(PackagesFixture packages, ITestOutputHelper output)
    {
        var project = new SampleProject(packages, output);
        await File.WriteAllTextAsync(Path.Combine(project.Directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="secrets-pipeline-test" value="{SecurityElement.Escape(packages.Feed)}" />
              </packageSources>
            </configuration>
            """);
        await File.WriteAllTextAsync(Path.Combine(project.Directory, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SecretsPipeline.MSBuild" Version="{packages.Version}" PrivateAssets="all" />
                <PackageReference Include="SecretsPipeline.Extensions.Configuration" Version="{packages.Version}" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(project.Directory, "Program.cs"), Program);
        await project.CliOkAsync(null, "init");
        project.WriteManifest(Manifest);
        await project.CliOkAsync(SecretValue + "\n", "store", "put", "secret/development/app/db#password");
        await project.CliOkAsync(null, "lock");
        return project;
    }

    public void WriteManifest(string text) => File.WriteAllText(ManifestPath, text.ReplaceLineEndings("\n"), new UTF8Encoding(false));

    /// <summary><c>dotnet ARGS</c> in the project folder.</summary>
    public Task<ProcessResult> DotnetAsync(params string[] arguments) => RunAsync(ProcessRunner.Dotnet, arguments, null);

    /// <summary><c>dotnet ARGS</c>, asserting success.</summary>
    public async Task<ProcessResult> DotnetOkAsync(params string[] arguments)
    {
        var result = await DotnetAsync(arguments);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    /// <summary>The packaged CLI, on this project's manifest and home.</summary>
    public async Task<ProcessResult> CliOkAsync(string? standardInput, params string[] arguments)
    {
        var result = await RunAsync(ProcessRunner.Dotnet, [_packages.CliPath, .. arguments, "--manifest", ManifestPath], standardInput);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private async Task<ProcessResult> RunAsync(string fileName, string[] arguments, string? standardInput)
    {
        var result = await ProcessRunner.RunAsync(fileName, arguments, Directory, new Dictionary<string, string?> { ["SECRETS_PIPELINE_HOME"] = Home }, ChildEnvironment.MSBuild, standardInput);
        _output.WriteLine($"$ {result.CommandLine}  -> exit {result.ExitCode} in {result.Elapsed.TotalSeconds:0.0}s");
        return result;
    }
}
