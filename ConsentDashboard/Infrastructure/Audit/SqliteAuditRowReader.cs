using ConsentDashboard.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using SQLitePCL;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// Steps through the log in sequence order straight through SQLite's C API: each column's UTF-8 bytes are read in place,
/// so nothing is allocated per row. Table and column names come from the EF Core model, so a renamed property cannot
/// make the reader look at the wrong column.
/// </summary>
internal sealed class SqliteAuditRowReader : IDisposable
{
    private readonly sqlite3_stmt _statement;
    private readonly int _sequence, _timestamp, _actor, _action, _subject, _details, _previousHash, _hash, _agencyId, _caseNumber, _legalBasis, _residentId;

    private SqliteAuditRowReader(sqlite3_stmt statement, string[] columns)
    {
        _statement = statement;
        int Ordinal(string property)
        {
            var index = Array.IndexOf(columns, property);
            return index >= 0 ? index : throw new InvalidOperationException($"The audit reader does not select {property}.");
        }

        _sequence = Ordinal(nameof(AuditEntry.Sequence));
        _timestamp = Ordinal(nameof(AuditEntry.Timestamp));
        _actor = Ordinal(nameof(AuditEntry.Actor));
        _action = Ordinal(nameof(AuditEntry.Action));
        _subject = Ordinal(nameof(AuditEntry.Subject));
        _details = Ordinal(nameof(AuditEntry.Details));
        _previousHash = Ordinal(nameof(AuditEntry.PreviousHash));
        _hash = Ordinal(nameof(AuditEntry.Hash));
        _agencyId = Ordinal(nameof(AuditEntry.AgencyId));
        _caseNumber = Ordinal(nameof(AuditEntry.CaseNumber));
        _legalBasis = Ordinal(nameof(AuditEntry.LegalBasis));
        _residentId = Ordinal(nameof(AuditEntry.ResidentId));
    }

    /// <summary>A reader over the open connection's log, or null with the reason when SQLite refuses the query.</summary>
    public static SqliteAuditRowReader? TryOpen(ApplicationDbContext db, SqliteConnection connection, out string? problem)
    {
        var sql = AuditRowSource.SelectSql(db);
        var properties = AuditRowSource.Properties;
        if (raw.sqlite3_prepare_v2(connection.Handle!, sql, out var statement) != raw.SQLITE_OK)
        {
            problem = raw.sqlite3_errmsg(connection.Handle!).utf8_to_string();
            statement.Dispose();
            return null;
        }

        problem = null;
        return new SqliteAuditRowReader(statement, properties);
    }

    /// <summary>Moves to the next row: true on a row, false at the end; throws when SQLite reports an error.</summary>
    public bool Read(SqliteConnection connection)
    {
        var step = raw.sqlite3_step(_statement);
        return step switch
        {
            raw.SQLITE_ROW => true,
            raw.SQLITE_DONE => false,
            _ => throw new SqliteException(raw.sqlite3_errmsg(connection.Handle!).utf8_to_string(), step),
        };
    }

    public long Sequence => raw.sqlite3_column_int64(_statement, _sequence);
    public ReadOnlySpan<byte> Timestamp => raw.sqlite3_column_blob(_statement, _timestamp);
    public ReadOnlySpan<byte> Actor => raw.sqlite3_column_blob(_statement, _actor);
    public ReadOnlySpan<byte> Action => raw.sqlite3_column_blob(_statement, _action);
    public ReadOnlySpan<byte> Subject => raw.sqlite3_column_blob(_statement, _subject);
    public ReadOnlySpan<byte> Details => raw.sqlite3_column_blob(_statement, _details);
    public ReadOnlySpan<byte> PreviousHash => raw.sqlite3_column_blob(_statement, _previousHash);
    public ReadOnlySpan<byte> Hash => raw.sqlite3_column_blob(_statement, _hash);
    public int? AgencyId => IsNull(_agencyId) ? null : raw.sqlite3_column_int(_statement, _agencyId);
    public ReadOnlySpan<byte> CaseNumber => raw.sqlite3_column_blob(_statement, _caseNumber);
    public bool CaseNumberIsNull => IsNull(_caseNumber);
    public ReadOnlySpan<byte> LegalBasis => raw.sqlite3_column_blob(_statement, _legalBasis);
    public bool LegalBasisIsNull => IsNull(_legalBasis);
    public ReadOnlySpan<byte> ResidentId => raw.sqlite3_column_blob(_statement, _residentId);
    public bool ResidentIdIsNull => IsNull(_residentId);

    /// <summary>The row's filter columns agree with the facets in its hashed details.</summary>
    public bool FacetsAgree() =>
        AuditFacets.AgreeWith(Details, Action, AgencyId, CaseNumber, CaseNumberIsNull, LegalBasis, LegalBasisIsNull, ResidentId, ResidentIdIsNull);

    /// <summary>Every column holds the storage class the app writes: text, a whole number, or NULL where the model allows it.</summary>
    public bool HasTheTypesTheAppWrites() =>
        Type(_sequence) == raw.SQLITE_INTEGER
        && Type(_timestamp) == raw.SQLITE_TEXT && Type(_actor) == raw.SQLITE_TEXT && Type(_action) == raw.SQLITE_TEXT
        && Type(_subject) == raw.SQLITE_TEXT && Type(_details) == raw.SQLITE_TEXT && Type(_previousHash) == raw.SQLITE_TEXT
        && Type(_hash) == raw.SQLITE_TEXT
        && Type(_agencyId) is raw.SQLITE_INTEGER or raw.SQLITE_NULL
        && Type(_caseNumber) is raw.SQLITE_TEXT or raw.SQLITE_NULL
        && Type(_legalBasis) is raw.SQLITE_TEXT or raw.SQLITE_NULL
        && Type(_residentId) is raw.SQLITE_TEXT or raw.SQLITE_NULL;

    private int Type(int column) => raw.sqlite3_column_type(_statement, column);

    private bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    public void Dispose() => _statement.Dispose();
}
