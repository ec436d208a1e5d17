using SecretsPipeline.Core.Errors;

namespace SecretsPipeline.GitHub.Tests;

public sealed class GitHubOptionsTests
{
    [Fact]
    public void Reads_token_repository_and_an_enterprise_api_url_from_the_runner_variables()
    {
        var options = GitHubOptions.FromEnvironment(Variables(("GITHUB_API_URL", "https://ghe.example.com/api/v3"), ("GITHUB_SERVER_URL", "https://ghe.example.com"), ("GITHUB_RUN_ID", "99")));

        Assert.Equal(("octo", "app", "tok"), (options.Owner, options.Name, options.Token));
        Assert.Equal(new Uri("https://ghe.example.com/api/v3"), options.ApiUrl);
        Assert.Equal("https://ghe.example.com/octo/app/actions/runs/99", options.RunUrl);
        Assert.DoesNotContain("tok", options.ToString().Replace("GitHubOptions", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_to_api_github_com()
    {
        Assert.Equal(GitHubOptions.PublicApiUrl, GitHubOptions.FromEnvironment(Variables()).ApiUrl);
    }

    [Theory]
    [InlineData("GITHUB_TOKEN", "", "GITHUB_TOKEN is not set")]
    [InlineData("GITHUB_REPOSITORY", "just-a-name", "is not `owner/name`")]
    [InlineData("GITHUB_API_URL", "ftp://ghe/api/v3", "is not an http(s) URL")]
    public void Missing_or_bad_settings_are_usage_errors_saying_what_to_set(string name, string value, string expected)
    {
        var ex = Assert.Throws<SecretsPipelineException>(() => GitHubOptions.FromEnvironment(Variables((name, value))));

        Assert.Equal(Codes.GitHubConfig, ex.Code);
        Assert.Equal(ExitCodes.Usage, ex.ExitCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pull_request_event_reports_on_the_head_commit_not_the_merge_commit()
    {
        var head = new string('a', 40);
        var eventFile = Path.GetTempFileName();
        try
        {
            File.WriteAllText(eventFile, "{\"action\":\"synchronize\",\"pull_request\":{\"number\":5,\"head\":{\"ref\":\"feature\",\"sha\":\"" + head + "\"}}}");
            var variables = Variables(("GITHUB_EVENT_NAME", "pull_request"), ("GITHUB_EVENT_PATH", eventFile), ("GITHUB_SHA", new string('b', 40)));

            Assert.Equal(head, GitHubRunContext.CommitForStatus(variables, () => "local"));
            Assert.Equal(new string('b', 40), GitHubRunContext.CommitForStatus(Variables(("GITHUB_SHA", new string('b', 40))), () => "local"));
            Assert.Equal("local", GitHubRunContext.CommitForStatus(Variables(), () => "local"));
        }
        finally
        {
            File.Delete(eventFile);
        }
    }

    private static Func<string, string?> Variables(params (string Name, string Value)[] overrides)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["GITHUB_TOKEN"] = "tok", ["GITHUB_REPOSITORY"] = "octo/app" };
        foreach (var (name, value) in overrides)
        {
            values[name] = value;
        }

        return name => values.GetValueOrDefault(name);
    }
}
