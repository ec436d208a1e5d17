namespace SecretsPipeline.Core.Locking;

/// <summary>
/// What <c>lock</c> should do: which environments to (re)compute (all when empty), whether to move pins to the
/// newest version, and for which secrets (all when <see cref="UpdateNames"/> is empty).
/// </summary>
public sealed record LockRequest(IReadOnlyCollection<string> Environments, bool Update, IReadOnlyCollection<string> UpdateNames);
