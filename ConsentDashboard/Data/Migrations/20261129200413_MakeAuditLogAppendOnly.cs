using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConsentDashboard.Data.Migrations
{
    /// <summary>The database itself refuses to change or remove audit entries, whatever code asks.</summary>
    public partial class MakeAuditLogAppendOnly : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // This migration set is SQLite's; PostgreSQL has its own (Migrations/PostgreSql). Never skip silently.
            if (migrationBuilder.ActiveProvider != "Microsoft.EntityFrameworkCore.Sqlite")
            {
                throw new NotSupportedException($"The log's append-only triggers here are written for SQLite, not {migrationBuilder.ActiveProvider}.");
            }

            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_RefuseUpdate" BEFORE UPDATE ON "AuditEntries"
                BEGIN
                    SELECT RAISE(ABORT, 'The audit log is append-only: UPDATE of AuditEntries is not allowed.');
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditEntries_RefuseDelete" BEFORE DELETE ON "AuditEntries"
                BEGIN
                    SELECT RAISE(ABORT, 'The audit log is append-only: DELETE from AuditEntries is not allowed.');
                END;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditEntries_RefuseUpdate";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditEntries_RefuseDelete";""");
        }
    }
}
