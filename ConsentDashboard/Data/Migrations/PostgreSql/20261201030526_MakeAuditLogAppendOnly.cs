using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConsentDashboard.Data.Migrations.PostgreSql
{
    /// <summary>
    /// The database itself refuses to change, remove or empty the log and its Merkle tree, whatever code asks: row
    /// triggers for UPDATE and DELETE, a statement trigger for TRUNCATE (which skips row triggers). The app's runtime
    /// role should also lack UPDATE, DELETE and TRUNCATE on both tables (README, "Deploy at scale").
    /// </summary>
    public partial class MakeAuditLogAppendOnly : Migration
    {
        private static readonly string[] Tables = ["AuditEntries", "AuditTreeNodes"];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION "RefuseAuditChange"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'The audit log is append-only: % of % is not allowed.', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = 'integrity_constraint_violation';
                END
                $$;
                """);
            foreach (var table in Tables)
            {
                migrationBuilder.Sql($"""
                    CREATE TRIGGER "{table}_RefuseChange" BEFORE UPDATE OR DELETE ON "{table}"
                        FOR EACH ROW EXECUTE FUNCTION "RefuseAuditChange"();
                    CREATE TRIGGER "{table}_RefuseTruncate" BEFORE TRUNCATE ON "{table}"
                        FOR EACH STATEMENT EXECUTE FUNCTION "RefuseAuditChange"();
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Tables)
            {
                migrationBuilder.Sql($"""
                    DROP TRIGGER IF EXISTS "{table}_RefuseChange" ON "{table}";
                    DROP TRIGGER IF EXISTS "{table}_RefuseTruncate" ON "{table}";
                    """);
            }

            migrationBuilder.Sql("""DROP FUNCTION IF EXISTS "RefuseAuditChange"();""");
        }
    }
}
