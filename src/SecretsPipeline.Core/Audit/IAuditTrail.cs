namespace SecretsPipeline.Core.Audit;

/// <summary>
/// An append-only audit trail kept in the store. <see cref="AppendAsync"/> must fail rather than fork the chain when
/// another writer appended first (the store checks that <see cref="AuditRecord.Sequence"/> is the next one).
/// </summary>
public interface IAuditTrail
{
    /// <summary>The newest record, or <c>null</c> for an empty trail.</summary>
    Task<AuditRecord?> LastAsync(CancellationToken cancellationToken);

    Task AppendAsync(AuditRecord record, CancellationToken cancellationToken);

    /// <summary>All records, oldest first.</summary>
    Task<IReadOnlyList<AuditRecord>> ReadAllAsync(CancellationToken cancellationToken);
}
