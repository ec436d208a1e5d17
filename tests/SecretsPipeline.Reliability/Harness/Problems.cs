namespace SecretsPipeline.Reliability.Harness;

/// <summary>The problems of one trial, collected rather than thrown so a trial reports everything that broke.</summary>
public sealed class Problems : List<Problem>
{
    public void Check(bool holds, string message, string? lost = null)
    {
        if (!holds)
        {
            Add(new Problem(message, lost));
        }
    }
}
