namespace SecretsPipeline.Core.Stores;

/// <summary>A dynamic credential issued under a lease. <see cref="ToString"/> hides the credential fields.</summary>
public sealed record Lease(string LeaseId, string Role, DateTimeOffset Expires, bool Renewable, IReadOnlyDictionary<string, string> Credentials)
{
    public override string ToString() => $"lease {LeaseId} on {Role} until {Expires:O}";
}
