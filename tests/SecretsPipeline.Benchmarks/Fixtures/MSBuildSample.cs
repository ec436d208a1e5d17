using System.Security;
using SecretsPipeline.Core.Signing;

namespace SecretsPipeline.Benchmarks.Fixtures;

/// <summary>
/// A console project with a locked <c>secrets.yaml</c> beside it, restoring only from the bench's own feed into its own
/// packages folder (so no global cache entry of the same version can stand in for the package just packed).
/// With <c>withPackage</c> it references SecretsPipeline.MSBuild; otherwise it is the same project without it.
/// </summary>
internal static class MSBuildSample
{
    public const string PackageId = "SecretsPipeline.MSBuild";

    public static async Task<string> CreateAsync(string directory, SecretsPipelineHome home, string targetFramework, string feed, string? packageVersion)
    {
        await LocalProject.CreateAsync(directory, home, 10);
        await File.WriteAllTextAsync(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="bench" value="{SecurityElement.Escape(feed)}" />
              </packageSources>
            </configuration>
            """);
        var reference = packageVersion is null
            ? string.Empty
            : $"""<ItemGroup><PackageReference Include="{PackageId}" Version="{packageVersion}" PrivateAssets="all" /></ItemGroup>""";
        await File.WriteAllTextAsync(Path.Combine(directory, "sample.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>{targetFramework}</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <RestorePackagesPath>{SecurityElement.Escape(Path.Combine(directory, "packages"))}</RestorePackagesPath>
              </PropertyGroup>
              {reference}
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "Program.cs"), "Console.WriteLine(\"sample\");\n");
        return directory;
    }
}
