using ConsentDashboard.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// The SQL verification reads the log with: table and column names quoted as the EF Core model maps them, so a renamed
/// property cannot make a reader look at the wrong column. The app takes them from its model (<see cref="From"/>). The
/// offline <c>verify-log</c> command uses <see cref="AsMapped"/> instead, because building the model is most of its
/// start-up; a test holds the two equal.
/// </summary>
internal sealed record AuditLogTables(
    string SelectEntries, string SequenceColumn, string SelectBounds, string CountCheckpoints, string SelectNewestCheckpoint, string SelectHashAt)
{
    /// <summary>The entry properties every verification reads, in this order.</summary>
    public static readonly string[] EntryProperties =
    [
        nameof(AuditEntry.Sequence), nameof(AuditEntry.Timestamp), nameof(AuditEntry.Actor), nameof(AuditEntry.Action), nameof(AuditEntry.Subject),
        nameof(AuditEntry.Details), nameof(AuditEntry.PreviousHash), nameof(AuditEntry.Hash), nameof(AuditEntry.AgencyId),
        nameof(AuditEntry.CaseNumber), nameof(AuditEntry.LegalBasis), nameof(AuditEntry.ResidentId),
    ];

    /// <summary>The checkpoint properties read for the newest checkpoint, in this order.</summary>
    public static readonly string[] CheckpointProperties =
    [
        nameof(AuditCheckpoint.Id), nameof(AuditCheckpoint.Sequence), nameof(AuditCheckpoint.Hash), nameof(AuditCheckpoint.RootHash),
        nameof(AuditCheckpoint.SignedAt), nameof(AuditCheckpoint.Signature), nameof(AuditCheckpoint.KeyId),
    ];

    /// <summary>The names as the model maps them today: each table named after its set, each column after its property.</summary>
    public static readonly AuditLogTables AsMapped = Build(
        nameof(ApplicationDbContext.AuditEntries), property => property, nameof(ApplicationDbContext.AuditCheckpoints), property => property);

    public static AuditLogTables From(IModel model)
    {
        var (entries, entryColumn) = Mapping(model, typeof(AuditEntry));
        var (checkpoints, checkpointColumn) = Mapping(model, typeof(AuditCheckpoint));
        return Build(entries, entryColumn, checkpoints, checkpointColumn);
    }

    /// <summary>Entries in sequence order from <paramref name="where"/> on (a condition on <see cref="SequenceColumn"/>, or empty).</summary>
    public string SelectEntriesInOrder(string where = "") =>
        $"{SelectEntries}{(where.Length == 0 ? "" : $" WHERE {where}")} ORDER BY {SequenceColumn}";

    private static (string Table, Func<string, string> Column) Mapping(IModel model, Type entity)
    {
        var type = model.FindEntityType(entity)!;
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var name = table.Schema is null ? table.Name : $"{table.Schema}\".\"{table.Name}";
        return (name, property => type.FindProperty(property)!.GetColumnName(table)!);
    }

    private static AuditLogTables Build(string entries, Func<string, string> entryColumn, string checkpoints, Func<string, string> checkpointColumn)
    {
        string Entry(string property) => $"\"{entryColumn(property)}\"";
        string Checkpoint(string property) => $"\"{checkpointColumn(property)}\"";
        var sequence = Entry(nameof(AuditEntry.Sequence));
        return new AuditLogTables(
            SelectEntries: $"SELECT {string.Join(", ", EntryProperties.Select(Entry))} FROM \"{entries}\"",
            SequenceColumn: sequence,
            // Separate subqueries, so SQLite answers each from the key's ends instead of scanning.
            SelectBounds: $"SELECT (SELECT min({sequence}) FROM \"{entries}\"), (SELECT max({sequence}) FROM \"{entries}\"), "
                + $"EXISTS (SELECT 1 FROM \"{entries}\" WHERE {sequence} IS NULL)",
            CountCheckpoints: $"SELECT COUNT(*) FROM \"{checkpoints}\"",
            SelectNewestCheckpoint: $"SELECT {string.Join(", ", CheckpointProperties.Select(Checkpoint))} FROM \"{checkpoints}\" "
                + $"ORDER BY {Checkpoint(nameof(AuditCheckpoint.Sequence))} DESC, {Checkpoint(nameof(AuditCheckpoint.Id))} DESC LIMIT 1",
            SelectHashAt: $"SELECT {Entry(nameof(AuditEntry.Hash))} FROM \"{entries}\" WHERE {sequence} = @sequence");
    }
}
