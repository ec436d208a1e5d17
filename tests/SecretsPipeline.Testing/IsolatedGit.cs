namespace SecretsPipeline.Testing;

/// <summary>
/// The variables that shut a test's git child out of the developer's system and global settings (signing, hooks, a
/// default branch name, credential helpers) and never let it prompt. Give them to <see cref="ProcessRunner.StartInfo"/>.
/// </summary>
public static class IsolatedGit
{
    /// <param name="globalConfig">A path with no file at it, read as the (empty) global configuration.</param>
    public static Dictionary<string, string?> Variables(string globalConfig) => new()
    {
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_CONFIG_GLOBAL"] = globalConfig,
        ["GIT_TERMINAL_PROMPT"] = "0",
    };
}
