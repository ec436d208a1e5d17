namespace SecretsPipeline.Testing;

/// <summary>
/// What a child process keeps of the test host's environment: every inherited variable whose name starts with one of
/// <see cref="ScrubbedPrefixes"/> (ignoring case) is removed, then <see cref="Defaults"/> are set. The caller's own
/// variables come last (<see cref="ProcessRunner.StartInfo"/>), so a test can still set or remove any of them.
/// </summary>
public sealed class ChildEnvironment
{
    public ChildEnvironment(IEnumerable<string> scrubbedPrefixes, IReadOnlyDictionary<string, string>? defaults = null)
    {
        ScrubbedPrefixes = [.. scrubbedPrefixes];
        Defaults = defaults ?? new Dictionary<string, string>();
    }

    /// <summary>
    /// The end-to-end tests (and the reliability suite, which shares their infrastructure), whose children are the packed
    /// tool, git, node, sqlite3 and sh. Scrubbed: what a developer's shell, a CI host or the test host itself may set that
    /// would change what a child does: CI hosts' and Vault's, the tool's own, git's (a test run from a hook gets
    /// GIT_DIR), and MSBuild's from dotnet test. Nothing is added.
    /// </summary>
    public static ChildEnvironment EndToEnd { get; } =
        new(["GITHUB_", "BUILD_", "SYSTEM_", "VAULT_", "SECRETS_PIPELINE_", "TF_BUILD", "GIT_", "MSBUILD"]);

    /// <summary>
    /// The MSBuild package tests, whose children are dotnet builds, the CLI and a published app. Scrubbed: what a CI
    /// host, Vault, the tool or the test host (dotnet test runs under MSBuild) may have set and would change what a child
    /// build does, the app's hosting environment included; git's variables are kept. Added: child builds leave no MSBuild
    /// nodes behind, and print plain English logs the tests can read.
    /// </summary>
    public static ChildEnvironment MSBuild { get; } = new(
        ["GITHUB_", "BUILD_", "SYSTEM_", "VAULT_", "SECRETS_PIPELINE_", "TF_BUILD", "MSBUILD", "DOTNET_ENVIRONMENT", "ASPNETCORE_"],
        new Dictionary<string, string>
        {
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["DOTNET_CLI_UI_LANGUAGE"] = "en",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        });

    /// <summary>Prefixes of the inherited variables a child does not get, compared ignoring case.</summary>
    public IReadOnlyList<string> ScrubbedPrefixes { get; }

    /// <summary>Variables set for every child after the scrub, unless the caller sets or removes them.</summary>
    public IReadOnlyDictionary<string, string> Defaults { get; }

    /// <summary>Applies the scrub and the defaults to <paramref name="environment"/> (a child's copy of the host's).</summary>
    public void ApplyTo(IDictionary<string, string?> environment)
    {
        foreach (var name in environment.Keys.Where(IsScrubbed).ToArray())
        {
            environment.Remove(name);
        }

        foreach (var (name, value) in Defaults)
        {
            environment[name] = value;
        }
    }

    private bool IsScrubbed(string name) => ScrubbedPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
