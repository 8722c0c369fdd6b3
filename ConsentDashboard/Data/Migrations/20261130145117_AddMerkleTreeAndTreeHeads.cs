using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConsentDashboard.Data.Migrations
{
    /// <summary>
    /// The Merkle tree's stored subtrees (append-only, like the log) and the root hash that makes a checkpoint a signed
    /// tree head. The tree of an existing log is built at the next start (<c>AuditTree.CompleteAsync</c>).
    /// </summary>
    public partial class AddMerkleTreeAndTreeHeads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RootHash",
                table: "AuditCheckpoints",
                type: "TEXT",
                fixedLength: true,
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuditTreeNodes",
                columns: table => new
                {
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    Index = table.Column<long>(type: "INTEGER", nullable: false),
                    Hash = table.Column<byte[]>(type: "BLOB", fixedLength: true, maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditTreeNodes", x => new { x.Level, x.Index });
                });

            if (migrationBuilder.ActiveProvider != "Microsoft.EntityFrameworkCore.Sqlite")
            {
                throw new NotSupportedException($"The tree's append-only triggers are written for SQLite, not {migrationBuilder.ActiveProvider}.");
            }

            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditTreeNodes_RefuseUpdate" BEFORE UPDATE ON "AuditTreeNodes"
                BEGIN
                    SELECT RAISE(ABORT, 'The audit tree is append-only: UPDATE of AuditTreeNodes is not allowed.');
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "AuditTreeNodes_RefuseDelete" BEFORE DELETE ON "AuditTreeNodes"
                BEGIN
                    SELECT RAISE(ABORT, 'The audit tree is append-only: DELETE from AuditTreeNodes is not allowed.');
                END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditTreeNodes_RefuseUpdate";""");
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditTreeNodes_RefuseDelete";""");
            migrationBuilder.DropTable(
                name: "AuditTreeNodes");

            migrationBuilder.DropColumn(
                name: "RootHash",
                table: "AuditCheckpoints");
        }
    }
}
