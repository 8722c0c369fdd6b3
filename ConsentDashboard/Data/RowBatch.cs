using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace ConsentDashboard.Data;

/// <summary>
/// Writes many new rows of one entity type now, in the context's transaction, after saving the context's pending
/// changes (the rows usually refer to one just added). The rows are stored as <c>SaveChanges</c> stores them and are
/// not tracked afterwards.
/// </summary>
/// <remarks>
/// On PostgreSQL one statement inserts them all from one array per column (<c>INSERT … SELECT * FROM unnest(…)</c>):
/// <c>SaveChanges</c> sends one <c>INSERT</c> per row, which the server parses, plans and runs one by one, and the client
/// tracks and batches row by row. A request over a dense area notifies a hundred residents or more while it holds the
/// log's write lock. SQLite runs in-process, where a statement costs little, so <c>SaveChanges</c> writes them.
/// </remarks>
public static class RowBatch
{
    public static async Task InsertAllAsync<T>(this ApplicationDbContext db, IReadOnlyCollection<T> rows, CancellationToken cancellationToken = default)
        where T : class
    {
        if (!db.Database.IsNpgsql())
        {
            db.AddRange(rows);
            await db.SaveChangesAsync(cancellationToken);
            foreach (var row in rows)
            {
                db.Entry(row).State = EntityState.Detached;
            }

            return;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var properties = entity.GetProperties().ToArray();
        var columns = properties.Select((property, i) => new NpgsqlParameter($"p{i}", Column(property, rows))).ToArray();

        // Identifiers from the model, delimited; every value travels as a parameter.
        var insert = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} "
            + $"({string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)))}) "
            + $"SELECT * FROM unnest({string.Join(", ", columns.Select(c => "@" + c.ParameterName))})";
        try
        {
            await db.Database.ExecuteSqlRawAsync(insert, columns, cancellationToken);
        }
        catch (DbException refused)
        {
            // As SaveChanges reports a refused write, so callers handle both alike. The statement stored none of the rows.
            throw new DbUpdateException($"The database refused a {typeof(T).Name} row: {refused.Message}", refused);
        }
    }

    /// <summary>One column's values as a typed array of what the provider stores (after the model's value converter).</summary>
    private static Array Column<T>(IProperty property, IReadOnlyCollection<T> rows) where T : class
    {
        var converter = property.GetTypeMapping().Converter;
        var values = Array.CreateInstance(converter?.ProviderClrType ?? property.ClrType, rows.Count);
        var getter = property.GetGetter();
        var index = 0;
        foreach (var row in rows)
        {
            var value = getter.GetClrValue(row);
            values.SetValue(converter is null ? value : converter.ConvertToProvider(value), index++);
        }

        return values;
    }
}
