using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;

namespace ConsentDashboard.Data;

/// <summary>
/// On PostgreSQL with a schema owner of its own (<c>ConnectionStrings:MigrationConnection</c>): what the role the app
/// runs as may do, granted by the owner after every migration, so tables a migration adds are covered too.
/// </summary>
/// <remarks>
/// Everything the app does (read, add, change and remove rows), except changing or removing the audit log's entries and
/// tree nodes and touching the migration history. The log's triggers already refuse such statements; without the
/// grant the runtime role is refused before they run, and it cannot lift the triggers either, since only an owner may
/// alter a table.
/// </remarks>
public static class RuntimeRole
{
    public static async Task GrantAsync(ApplicationDbContext owner, string role, CancellationToken cancellationToken = default)
    {
        var sql = owner.GetService<ISqlGenerationHelper>();
        var schema = sql.DelimitIdentifier(await owner.Database.SqlQueryRaw<string>("SELECT current_schema() AS \"Value\"").SingleAsync(cancellationToken));
        var grantee = sql.DelimitIdentifier(role);
        string Table<T>() => sql.DelimitIdentifier(owner.Model.FindEntityType(typeof(T))!.GetTableName()!, schema: null);
        string[] statements =
        [
            $"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {grantee}",
            $"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {grantee}",
            $"REVOKE UPDATE, DELETE, TRUNCATE ON {Table<AuditEntry>()}, {Table<AuditTreeNode>()} FROM {grantee}",
            $"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {sql.DelimitIdentifier(HistoryRepository.DefaultTableName)} FROM {grantee}",
        ];
        foreach (var statement in statements)
        {
            await owner.Database.ExecuteSqlRawAsync(statement, cancellationToken);
        }
    }
}
