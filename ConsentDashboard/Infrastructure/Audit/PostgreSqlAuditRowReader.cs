using Npgsql;
using System.Buffers.Binary;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// Streams the log from PostgreSQL with binary <c>COPY</c>, read in place: the rows arrive in PostgreSQL's documented
/// binary copy format (a header, then per row a field count and each field's length and bytes, big-endian), and each
/// field is handed on as a slice of the read buffer, so nothing is allocated per row. Text columns are their UTF-8
/// bytes; the timestamp (microseconds since 2000-01-01) is written in the stored form the canonical encoding reads (the
/// form SQLite keeps), so both databases hash through one path.
/// </summary>
internal sealed class PostgreSqlAuditRowReader : IAuditRowCursor
{
    private static readonly byte[] Signature = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];
    private static readonly DateTime PostgreSqlEpoch = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly int Columns = AuditLogTables.EntryProperties.Length;

    private readonly NpgsqlRawCopyStream _copy;
    private readonly int[] _offset = new int[Columns], _length = new int[Columns];
    private readonly byte[] _timestamp = new byte[32];
    private byte[] _buffer = new byte[256 * 1024];
    private int _row, _end, _timestampLength;
    private bool _finished;

    private PostgreSqlAuditRowReader(NpgsqlRawCopyStream copy) => _copy = copy;

    /// <summary>Starts the copy of what <paramref name="sql"/> selects (the columns of <see cref="AuditLogTables.EntryProperties"/>, in order).</summary>
    public static PostgreSqlAuditRowReader Open(NpgsqlConnection connection, string sql)
    {
        var reader = new PostgreSqlAuditRowReader(connection.BeginRawBinaryCopy($"COPY ({sql}) TO STDOUT (FORMAT BINARY)"));
        reader.ReadHeader();
        return reader;
    }

    private void ReadHeader()
    {
        if (!Fill(0, Signature.Length + 8) || !_buffer.AsSpan(0, Signature.Length).SequenceEqual(Signature))
        {
            throw new InvalidDataException("PostgreSQL's copy did not start with the binary copy signature.");
        }

        var extension = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(Signature.Length + 4));
        if (!Fill(0, Signature.Length + 8 + extension))
        {
            throw new InvalidDataException("PostgreSQL's copy ended inside its header.");
        }

        _row = Signature.Length + 8 + extension;
    }

    public bool Read()
    {
        // The previous row's bytes are no longer needed: this row starts where it ended.
        _row += RowLength();
        if (!Fill(_row, 2))
        {
            throw new InvalidDataException("PostgreSQL's copy ended without its trailer.");
        }

        var count = BinaryPrimitives.ReadInt16BigEndian(_buffer.AsSpan(_row));
        if (count == -1)
        {
            _finished = true;
            _offset[0] = _length[0] = 0;
            return false;
        }

        if (count != Columns)
        {
            throw new InvalidDataException($"The log's copy has {count} columns, not {Columns}.");
        }

        // Offsets are kept from the row's start, which Fill may move to the front of the buffer.
        var at = 2;
        for (var column = 0; column < Columns; column++)
        {
            if (!Fill(_row, at + 4))
            {
                throw new InvalidDataException("PostgreSQL's copy ended inside a row.");
            }

            var length = BinaryPrimitives.ReadInt32BigEndian(_buffer.AsSpan(_row + at));
            at += 4;
            _offset[column] = at;
            _length[column] = length;
            if (length > 0)
            {
                if (!Fill(_row, at + length))
                {
                    throw new InvalidDataException("PostgreSQL's copy ended inside a row.");
                }

                at += length;
            }
        }

        _timestampLength = _length[1] == 8 ? FormatStored(BinaryPrimitives.ReadInt64BigEndian(Field(1))) : 0;
        return true;
    }

    public AuditRowBytes Current() => new()
    {
        Sequence = _length[0] == 8 ? BinaryPrimitives.ReadInt64BigEndian(Field(0)) : 0,
        Timestamp = _timestamp.AsSpan(0, _timestampLength),
        Actor = Field(2),
        Action = Field(3),
        Subject = Field(4),
        Details = Field(5),
        PreviousHash = Field(6),
        Hash = Field(7),
        AgencyId = _length[8] == 4 ? BinaryPrimitives.ReadInt32BigEndian(Field(8)) : null,
        CaseNumber = Field(9),
        CaseNumberIsNull = _length[9] < 0,
        LegalBasis = Field(10),
        LegalBasisIsNull = _length[10] < 0,
        ResidentId = Field(11),
        ResidentIdIsNull = _length[11] < 0,
        // The schema types every column; what it lets through is NULL where the model forbids it (and 'infinity').
        HasTheTypesTheAppWrites = _length[0] == 8 && _timestampLength > 0 && _length[2] >= 0 && _length[3] >= 0 && _length[4] >= 0
            && _length[5] >= 0 && _length[6] >= 0 && _length[7] >= 0 && _length[8] is 4 or -1,
    };

    private ReadOnlySpan<byte> Field(int column) =>
        _length[column] > 0 ? _buffer.AsSpan(_row + _offset[column], _length[column]) : [];

    private int RowLength()
    {
        if (_offset[0] == 0)
        {
            return 0;
        }

        var last = Columns - 1;
        return _offset[last] + Math.Max(0, _length[last]);
    }

    /// <summary>
    /// Makes sure the <paramref name="count"/> bytes from <paramref name="from"/> are in the buffer, moving what is kept to
    /// its front (and <see cref="_row"/> with it) or growing it as needed. False when the copy ends first.
    /// </summary>
    private bool Fill(int from, int count)
    {
        if (from + count <= _end)
        {
            return true;
        }

        if (from > 0)
        {
            _buffer.AsSpan(from, _end - from).CopyTo(_buffer);
            _end -= from;
            _row -= from;
        }

        if (count > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(count, _buffer.Length * 2));
        }

        while (_end < count)
        {
            var read = _copy.Read(_buffer, _end, _buffer.Length - _end);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    /// <summary>"yyyy-MM-dd HH:mm:ss", then "." and the microseconds without trailing zeros, or nothing when there are none.</summary>
    private int FormatStored(long microseconds)
    {
        if (microseconds is long.MaxValue or long.MinValue)
        {
            // 'infinity' and '-infinity': the app never writes them.
            return 0;
        }

        var time = PostgreSqlEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
        if (time.Year > 9999 || time.Year < 1)
        {
            return 0;
        }

        // Written digit by digit: a format string per row costs more than the rest of the row's parsing.
        var (date, clock) = (time.Date, time.TimeOfDay);
        var span = _timestamp.AsSpan();
        Digits(span[..4], date.Year);
        span[4] = (byte)'-';
        Digits(span.Slice(5, 2), date.Month);
        span[7] = (byte)'-';
        Digits(span.Slice(8, 2), date.Day);
        span[10] = (byte)' ';
        Digits(span.Slice(11, 2), clock.Hours);
        span[13] = (byte)':';
        Digits(span.Slice(14, 2), clock.Minutes);
        span[16] = (byte)':';
        Digits(span.Slice(17, 2), clock.Seconds);
        var fraction = (int)(microseconds % 1_000_000);
        if (fraction < 0)
        {
            fraction += 1_000_000;
        }

        if (fraction == 0)
        {
            return 19;
        }

        span[19] = (byte)'.';
        Digits(span.Slice(20, 6), fraction);
        var length = 26;
        while (_timestamp[length - 1] == (byte)'0')
        {
            length--;
        }

        return length;
    }

    private static void Digits(Span<byte> target, int value)
    {
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }

    public void Dispose()
    {
        if (!_finished)
        {
            // Stopped early (a suspect entry, or cancelled): the server is told to stop sending.
            _copy.Cancel();
        }

        _copy.Dispose();
    }
}

/// <summary>PostgreSQL runs, each copied on one connection.</summary>
internal sealed class PostgreSqlRuns(NpgsqlConnection connection) : IAuditRunSource
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

    public void Dispose() => connection.Dispose();
}
