namespace SecretsPipeline.Core.Locking;

public enum LockChangeKind
{
    Added,
    Updated,
    Removed,
}
