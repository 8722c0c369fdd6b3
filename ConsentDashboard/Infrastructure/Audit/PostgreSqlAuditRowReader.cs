using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// Streams the log from PostgreSQL with binary <c>COPY</c>: no per-row protocol round trip and no text parsing. Text
/// columns are read as their UTF-8 bytes, and the timestamp as its microseconds since 2000-01-01, turned into the stored
/// form the canonical encoding reads (the form SQLite keeps), so both databases hash through one path.
/// </summary>
internal sealed class PostgreSqlAuditRowReader : IAuditRowCursor
{
    private static readonly DateTime PostgreSqlEpoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private readonly NpgsqlBinaryExporter _copy;
    private readonly byte[] _timestamp = new byte[32];
    private int _timestampLength;
    private long _sequence;
    private byte[]? _actor, _action, _subject, _details, _previousHash, _hash, _caseNumber, _legalBasis, _residentId;
    private int? _agencyId;
    private bool _typesHold;

    private PostgreSqlAuditRowReader(NpgsqlBinaryExporter copy) => _copy = copy;

    /// <summary>Starts the copy of what <paramref name="sql"/> selects (the columns of <see cref="AuditLogTables.EntryProperties"/>, in order).</summary>
    public static PostgreSqlAuditRowReader Open(NpgsqlConnection connection, string sql) =>
        new(connection.BeginBinaryExport($"COPY ({sql}) TO STDOUT (FORMAT BINARY)"));

    public bool Read()
    {
        var columns = _copy.StartRow();
        if (columns == -1)
        {
            return false;
        }

        if (columns != AuditLogTables.EntryProperties.Length)
        {
            throw new InvalidOperationException($"The log's copy has {columns} columns, not {AuditLogTables.EntryProperties.Length}.");
        }

        // The schema types every column; NULL where the model forbids it is the one thing the types let through.
        _typesHold = true;
        _sequence = Required() ? _copy.Read<long>(NpgsqlDbType.Bigint) : 0;
        _timestampLength = Required() ? FormatStored(_copy.Read<long>(NpgsqlDbType.Bigint)) : 0;
        _actor = RequiredText();
        _action = RequiredText();
        _subject = RequiredText();
        _details = RequiredText();
        _previousHash = RequiredText();
        _hash = RequiredText();
        _agencyId = _copy.IsNull ? Skip<int?>(null) : _copy.Read<int>(NpgsqlDbType.Integer);
        _caseNumber = OptionalText();
        _legalBasis = OptionalText();
        _residentId = OptionalText();
        return true;
    }

    public AuditRowBytes Current() => new()
    {
        Sequence = _sequence,
        Timestamp = _timestamp.AsSpan(0, _timestampLength),
        Actor = _actor,
        Action = _action,
        Subject = _subject,
        Details = _details,
        PreviousHash = _previousHash,
        Hash = _hash,
        AgencyId = _agencyId,
        CaseNumber = _caseNumber,
        CaseNumberIsNull = _caseNumber is null,
        LegalBasis = _legalBasis,
        LegalBasisIsNull = _legalBasis is null,
        ResidentId = _residentId,
        ResidentIdIsNull = _residentId is null,
        HasTheTypesTheAppWrites = _typesHold,
    };

    private bool Required()
    {
        if (!_copy.IsNull)
        {
            return true;
        }

        _typesHold = false;
        _copy.Skip();
        return false;
    }

    // A text column's binary form is its UTF-8 bytes, which is also bytea's.
    private byte[] RequiredText() => Required() ? _copy.Read<byte[]>(NpgsqlDbType.Bytea) : [];

    private byte[]? OptionalText() => _copy.IsNull ? Skip<byte[]?>(null) : _copy.Read<byte[]>(NpgsqlDbType.Bytea);

    private T Skip<T>(T value)
    {
        _copy.Skip();
        return value;
    }

    /// <summary>"yyyy-MM-dd HH:mm:ss", then "." and the microseconds without trailing zeros, or nothing when there are none.</summary>
    private int FormatStored(long microseconds)
    {
        if (microseconds is long.MaxValue or long.MinValue)
        {
            // 'infinity' and '-infinity': the app never writes them.
            _typesHold = false;
            return 0;
        }

        var time = PostgreSqlEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
        time.TryFormat(_timestamp, out var length, "yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        while (_timestamp[length - 1] == (byte)'0')
        {
            length--;
        }

        return _timestamp[length - 1] == (byte)'.' ? length - 1 : length;
    }

    public void Dispose() => _copy.Dispose();
}

/// <summary>PostgreSQL runs, each copied on one connection.</summary>
internal sealed class PostgreSqlRuns(NpgsqlConnection connection, bool owned) : IAuditRunSource
{
    public IAuditRowCursor? Open(string sql, out string? problem)
    {
        try
        {
            problem = null;
            return PostgreSqlAuditRowReader.Open(connection, sql);
        }
        catch (PostgresException refused)
        {
            problem = $"PostgreSQL refused the copy: {refused.MessageText}";
            return null;
        }
    }

    public void Dispose()
    {
        if (owned)
        {
            connection.Dispose();
        }
    }
}
