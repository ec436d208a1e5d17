namespace SecretsPipeline.GitHub.Tests.FakeGitHub;

public sealed class FakePullRequest(int number, string head, string baseBranch)
{
    public int Number { get; } = number;

    public string Head { get; } = head;

    public string Base { get; } = baseBranch;

    public string State { get; set; } = "open";

    public string Title { get; set; } = string.Empty;

    public string Body { get; set; } = string.Empty;
}
