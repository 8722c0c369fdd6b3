using System.Data.Common;
using System.Globalization;
using ConsentDashboard.Data;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>One stored row as read for verification: the entry, or what about it is not a value the app ever writes.</summary>
internal readonly record struct AuditRowRead(AuditEntry Entry, string? Malformed);

/// <summary>
/// Reads the log's rows in sequence order with plain ADO.NET, column by column, so that a value of the wrong type, a
/// NULL, a timestamp in another form or anything else an intruder can store becomes "malformed" for the classifier to
/// name, never an exception from entity materialisation. Table and column names come from <see cref="AuditLogTables"/>.
/// </summary>
internal sealed class AuditRowSource : IAsyncDisposable
{
    /// <summary>How EF Core's SQLite provider stores a <see cref="DateTime"/>; anything else in that column was written by hand.</summary>
    private const string SqliteTimestampFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    private readonly DbCommand _command;
    private readonly DbDataReader _reader;
    private readonly bool _closeConnection;

    private AuditRowSource(DbCommand command, DbDataReader reader, bool closeConnection)
    {
        _command = command;
        _reader = reader;
        _closeConnection = closeConnection;
    }

    /// <summary>Starts reading; throws <see cref="DbException"/> when the table or a column cannot be read at all.</summary>
    public static async Task<AuditRowSource> OpenAsync(DbConnection connection, AuditLogTables tables, CancellationToken cancellationToken)
    {
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await connection.OpenAsync(cancellationToken);
        }

        var command = connection.CreateCommand();
        command.CommandText = tables.SelectEntriesInOrder();
        try
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken);
            return new AuditRowSource(command, reader, opened);
        }
        catch
        {
            await command.DisposeAsync();
            if (opened)
            {
                await connection.CloseAsync();
            }

            throw;
        }
    }

    public async IAsyncEnumerable<AuditRowRead> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await _reader.ReadAsync(cancellationToken))
        {
            yield return Read();
        }
    }

    private AuditRowRead Read()
    {
        var problems = new List<string>();
        var entry = new AuditEntry
        {
            Sequence = _reader.GetValue(0) is long sequence ? sequence : 0,
            Timestamp = Timestamp(_reader.GetValue(1), problems),
            Actor = Text(2, "actor", required: true, problems)!,
            Action = Text(3, "action", required: true, problems)!,
            Subject = Text(4, "subject", required: true, problems)!,
            Details = Text(5, "details", required: true, problems)!,
            PreviousHash = Text(6, "previous hash", required: true, problems)!,
            Hash = Text(7, "hash", required: true, problems)!,
            AgencyId = Agency(_reader.GetValue(8), problems),
            CaseNumber = Text(9, "case number", required: false, problems),
            LegalBasis = Text(10, "legal basis", required: false, problems),
            ResidentId = Text(11, "resident", required: false, problems),
        };
        if (_reader.GetValue(0) is not long)
        {
            problems.Add("sequence is not a whole number");
        }

        foreach (var (hash, name) in new[] { (entry.PreviousHash, "previous hash"), (entry.Hash, "hash") })
        {
            if (hash.Length > 0 && (hash.Length != 64 || hash.Any(c => c is not (>= '0' and <= '9' or >= 'a' and <= 'f'))))
            {
                problems.Add($"{name} is not 64 lower-case hex digits");
            }
        }

        return new AuditRowRead(entry, problems.Count == 0 ? null : string.Join("; ", problems));
    }

    private string? Text(int ordinal, string name, bool required, List<string> problems)
    {
        switch (_reader.GetValue(ordinal))
        {
            case string text:
                return text;
            case DBNull when !required:
                return null;
            case DBNull:
                problems.Add($"{name} is empty (NULL)");
                return "";
            case byte[]:
                problems.Add($"{name} is stored as binary data, not text");
                return "";
            case var other:
                problems.Add($"{name} is stored as a {Describe(other)}, not text");
                return "";
        }
    }

    private static int? Agency(object value, List<string> problems)
    {
        switch (value)
        {
            case DBNull:
                return null;
            case long id and >= int.MinValue and <= int.MaxValue:
                return (int)id;
            case int id:
                return id;
            default:
                problems.Add($"agency is stored as a {Describe(value)}, not an agency number");
                return null;
        }
    }

    private static DateTime Timestamp(object value, List<string> problems)
    {
        switch (value)
        {
            case DateTime time:
                return DateTime.SpecifyKind(time, DateTimeKind.Utc);
            case string text when DateTime.TryParseExact(text, SqliteTimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)
                && parsed.ToString(SqliteTimestampFormat, CultureInfo.InvariantCulture) == text:
                return parsed;
            default:
                problems.Add("time is not stored in the form the app writes");
                return DateTime.MinValue;
        }
    }

    private static string Describe(object value) => value switch
    {
        DBNull => "NULL",
        long or int => "number",
        double => "decimal number",
        byte[] => "binary value",
        string => "text",
        _ => value.GetType().Name,
    };

    public async ValueTask DisposeAsync()
    {
        var connection = _command.Connection;
        await _reader.DisposeAsync();
        await _command.DisposeAsync();
        if (_closeConnection && connection is not null)
        {
            await connection.CloseAsync();
        }
    }
}
