using ConsentDashboard.Data;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// Steps through the log in sequence order straight through SQLite's C API: each column's UTF-8 bytes are read in place,
/// so nothing is allocated per row. The query comes from <see cref="AuditLogTables"/>.
/// </summary>
internal sealed class SqliteAuditRowReader : IAuditRowCursor
{
    private readonly SqliteConnection _connection;
    private readonly sqlite3_stmt _statement;
    private readonly int _sequence, _timestamp, _actor, _action, _subject, _details, _previousHash, _hash, _agencyId, _caseNumber, _legalBasis, _residentId;

    private SqliteAuditRowReader(SqliteConnection connection, sqlite3_stmt statement, string[] columns)
    {
        _connection = connection;
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
    public static SqliteAuditRowReader? TryOpen(SqliteConnection connection, string sql, out string? problem)
    {
        var properties = AuditLogTables.EntryProperties;
        if (raw.sqlite3_prepare_v2(connection.Handle!, sql, out var statement) != raw.SQLITE_OK)
        {
            problem = raw.sqlite3_errmsg(connection.Handle!).utf8_to_string();
            statement.Dispose();
            return null;
        }

        problem = null;
        return new SqliteAuditRowReader(connection, statement, properties);
    }

    /// <summary>Moves to the next row: true on a row, false at the end; throws when SQLite reports an error.</summary>
    public bool Read()
    {
        var step = raw.sqlite3_step(_statement);
        return step switch
        {
            raw.SQLITE_ROW => true,
            raw.SQLITE_DONE => false,
            _ => throw new SqliteException(raw.sqlite3_errmsg(_connection.Handle!).utf8_to_string(), step),
        };
    }

    /// <summary>The current row, each column read from SQLite once (every read is a native call).</summary>
    public AuditRowBytes Current()
    {
        var agencyType = Type(_agencyId);
        var caseType = Type(_caseNumber);
        var basisType = Type(_legalBasis);
        var residentType = Type(_residentId);
        return new AuditRowBytes
        {
            Sequence = raw.sqlite3_column_int64(_statement, _sequence),
            Timestamp = raw.sqlite3_column_blob(_statement, _timestamp),
            Actor = raw.sqlite3_column_blob(_statement, _actor),
            Action = raw.sqlite3_column_blob(_statement, _action),
            Subject = raw.sqlite3_column_blob(_statement, _subject),
            Details = raw.sqlite3_column_blob(_statement, _details),
            PreviousHash = raw.sqlite3_column_blob(_statement, _previousHash),
            Hash = raw.sqlite3_column_blob(_statement, _hash),
            AgencyId = agencyType == raw.SQLITE_NULL ? null : raw.sqlite3_column_int(_statement, _agencyId),
            CaseNumber = caseType == raw.SQLITE_NULL ? [] : raw.sqlite3_column_blob(_statement, _caseNumber),
            CaseNumberIsNull = caseType == raw.SQLITE_NULL,
            LegalBasis = basisType == raw.SQLITE_NULL ? [] : raw.sqlite3_column_blob(_statement, _legalBasis),
            LegalBasisIsNull = basisType == raw.SQLITE_NULL,
            ResidentId = residentType == raw.SQLITE_NULL ? [] : raw.sqlite3_column_blob(_statement, _residentId),
            ResidentIdIsNull = residentType == raw.SQLITE_NULL,
            // Every column holds the storage class the app writes: text, a whole number, or NULL where the model allows it.
            HasTheTypesTheAppWrites = Type(_sequence) == raw.SQLITE_INTEGER
                && Type(_timestamp) == raw.SQLITE_TEXT && Type(_actor) == raw.SQLITE_TEXT && Type(_action) == raw.SQLITE_TEXT
                && Type(_subject) == raw.SQLITE_TEXT && Type(_details) == raw.SQLITE_TEXT && Type(_previousHash) == raw.SQLITE_TEXT
                && Type(_hash) == raw.SQLITE_TEXT
                && agencyType is raw.SQLITE_INTEGER or raw.SQLITE_NULL
                && caseType is raw.SQLITE_TEXT or raw.SQLITE_NULL
                && basisType is raw.SQLITE_TEXT or raw.SQLITE_NULL
                && residentType is raw.SQLITE_TEXT or raw.SQLITE_NULL,
        };
    }

    private int Type(int column) => raw.sqlite3_column_type(_statement, column);

    public void Dispose() => _statement.Dispose();
}

/// <summary>Where a walker reads its runs: one per worker, each on a connection of its own.</summary>
internal interface IAuditRunSource : IDisposable
{
    /// <summary>A cursor over the rows <paramref name="sql"/> selects, or null with the reason when the database refuses it.</summary>
    IAuditRowCursor? Open(string sql, out string? problem);
}

/// <summary>Steps through rows in sequence order; <see cref="Current"/> is valid until the next <see cref="Read"/>.</summary>
internal interface IAuditRowCursor : IDisposable
{
    bool Read();

    AuditRowBytes Current();
}

/// <summary>SQLite runs, read in place on one connection.</summary>
internal sealed class SqliteRuns(SqliteConnection connection, bool owned) : IAuditRunSource
{
    public IAuditRowCursor? Open(string sql, out string? problem)
    {
        var reader = SqliteAuditRowReader.TryOpen(connection, sql, out var refused);
        problem = reader is null ? $"SQLite refused the query: {refused}" : null;
        return reader;
    }

    public void Dispose()
    {
        if (owned)
        {
            connection.Dispose();
        }
    }
}

/// <summary>One row's values as the database holds them (text as UTF-8), valid until the reader moves on.</summary>
internal readonly ref struct AuditRowBytes
{
    public long Sequence { get; init; }
    public ReadOnlySpan<byte> Timestamp { get; init; }
    public ReadOnlySpan<byte> Actor { get; init; }
    public ReadOnlySpan<byte> Action { get; init; }
    public ReadOnlySpan<byte> Subject { get; init; }
    public ReadOnlySpan<byte> Details { get; init; }
    public ReadOnlySpan<byte> PreviousHash { get; init; }
    public ReadOnlySpan<byte> Hash { get; init; }
    public int? AgencyId { get; init; }
    public ReadOnlySpan<byte> CaseNumber { get; init; }
    public bool CaseNumberIsNull { get; init; }
    public ReadOnlySpan<byte> LegalBasis { get; init; }
    public bool LegalBasisIsNull { get; init; }
    public ReadOnlySpan<byte> ResidentId { get; init; }
    public bool ResidentIdIsNull { get; init; }
    public bool HasTheTypesTheAppWrites { get; init; }

    /// <summary>The row's filter columns agree with the facets in its hashed details.</summary>
    public bool FacetsAgree() =>
        AuditFacets.AgreeWith(Details, Action, AgencyId, CaseNumber, CaseNumberIsNull, LegalBasis, LegalBasisIsNull, ResidentId, ResidentIdIsNull);
}
