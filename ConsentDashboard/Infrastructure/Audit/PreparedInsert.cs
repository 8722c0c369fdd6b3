using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ConsentDashboard.Infrastructure.Audit;

/// <summary>
/// Inserts rows of one entity type with one command kept prepared on the audit writer's connection. Table, columns and
/// how each value is sent come from the EF Core model and its type mappings, so a row is stored exactly as
/// <c>SaveChanges</c> would store it, without change tracking.
/// </summary>
internal sealed class PreparedInsert<T> : IDisposable where T : class
{
    private readonly DbCommand _command;
    private readonly (IProperty Property, RelationalTypeMapping Mapping, string Name)[] _columns;

    public PreparedInsert(DbContext db, DbConnection connection)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        _columns = entity.GetProperties()
            .Select((property, i) => (property, (RelationalTypeMapping)property.GetRelationalTypeMapping(), sql.GenerateParameterName($"p{i}")))
            .ToArray();
        _command = connection.CreateCommand();
        _command.CommandText =
            $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", _columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!)))}) "
            + $"VALUES ({string.Join(", ", _columns.Select(c => c.Name))})";
    }

    public async Task InsertAsync(T row, DbTransaction transaction, CancellationToken cancellationToken)
    {
        _command.Transaction = transaction;
        _command.Parameters.Clear();
        foreach (var (property, mapping, name) in _columns)
        {
            // The mapping converts the value as SaveChanges would (enums, value converters).
            _command.Parameters.Add(mapping.CreateParameter(_command, name, property.GetGetter().GetClrValue(row), property.IsNullable));
        }

        try
        {
            await _command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException refused)
        {
            // As SaveChanges reports a refused write, so callers handle both alike.
            throw new DbUpdateException($"The database refused a {typeof(T).Name} row: {refused.Message}", refused);
        }
    }

    public void Dispose() => _command.Dispose();
}
