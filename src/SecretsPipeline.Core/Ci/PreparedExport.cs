namespace SecretsPipeline.Core.Ci;

/// <summary>An export whose every byte is built and checked; <see cref="Apply"/> writes it (masks first).</summary>
public sealed class PreparedExport(Action apply)
{
    public void Apply() => apply();
}
