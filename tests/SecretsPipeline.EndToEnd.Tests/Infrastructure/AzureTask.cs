using SecretsPipeline.Testing;
using Xunit;

namespace SecretsPipeline.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs the Azure DevOps task's Node handler (<c>action/azure-devops/index.js</c>) as the agent does: <c>node</c> with
/// each input as <c>INPUT_NAME</c> and each pipeline variable as an upper-cased environment variable, the installed
/// tool named by <c>SECRETS_PIPELINE_TASK_TOOL</c>. Its standard output is what the agent would read.
/// </summary>
public sealed class AzureTask(PackedToolFixture tool, string workingDirectory, string home, string agentTemp)
{
    public string Handler { get; } = Path.Combine(tool.RepoRoot, "action", "azure-devops", "index.js");

    public string AgentTemp { get; } = agentTemp;

    public async Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var modules = Path.Combine(tool.RepoRoot, "action", "azure-devops", "node_modules", "azure-pipelines-task-lib");
        Assert.True(Directory.Exists(modules), $"{modules} is missing: run `npm ci` in action/azure-devops (./build.sh test does).");
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["AGENT_TEMPDIRECTORY"] = AgentTemp,
            ["SYSTEM_DEFAULTWORKINGDIRECTORY"] = workingDirectory,
            ["SECRETS_PIPELINE_TASK_TOOL"] = tool.ToolPath,
            ["SECRETS_PIPELINE_HOME"] = home,
        };
        foreach (var (name, value) in inputs)
        {
            environment["INPUT_" + name.ToUpperInvariant()] = value;
        }

        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        var info = ProcessRunner.StartInfo("node", [Handler], workingDirectory, environment, ChildEnvironment.EndToEnd);
        return await ProcessRunner.RunAsync(info, null, Cli.DefaultTimeout);
    }
}
