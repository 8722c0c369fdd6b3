using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConsentDashboard.Data.Migrations
{
    /// <summary>Filter columns for the auditor's grid (indexed, checked against the hashed details) and signed checkpoints.</summary>
    public partial class AddAuditFiltersAndCheckpoints : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AgencyId",
                table: "AuditEntries",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "CaseNumber",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LegalBasis",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ResidentId",
                table: "AuditEntries",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuditCheckpoints",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Hash = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 64, nullable: false),
                    SignedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Signature = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    KeyId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditCheckpoints", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Action_Sequence",
                table: "AuditEntries",
                columns: new[] { "Action", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_AgencyId_Sequence",
                table: "AuditEntries",
                columns: new[] { "AgencyId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_CaseNumber_Sequence",
                table: "AuditEntries",
                columns: new[] { "CaseNumber", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_LegalBasis_Sequence",
                table: "AuditEntries",
                columns: new[] { "LegalBasis", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_ResidentId_Sequence",
                table: "AuditEntries",
                columns: new[] { "ResidentId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditCheckpoints_Sequence",
                table: "AuditCheckpoints",
                column: "Sequence");

            if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
            {
                // Fill the new filter columns for entries written before they existed. The append-only trigger is lifted
                // for this one statement only; the hashed columns are not touched, so every hash still verifies.
                migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "AuditEntries_RefuseUpdate";""");
                migrationBuilder.Sql("""
                    UPDATE "AuditEntries" SET
                        "AgencyId" = json_extract("Details", '$.agencyId'),
                        "CaseNumber" = json_extract("Details", '$.caseNumber'),
                        "LegalBasis" = json_extract("Details", '$.legalBasis'),
                        "ResidentId" = CASE
                            WHEN "Action" IN ('DisclosureCreated', 'DisclosureRevoked') THEN substr("Actor", 6)
                            WHEN "Action" IN ('ClipViewed', 'ClipDownloaded') THEN
                                (SELECT d."ResidentId" FROM "Disclosures" d WHERE 'disclosure:' || lower(d."Id") = "AuditEntries"."Subject")
                            ELSE NULL END;
                    """);
                migrationBuilder.Sql("""
                    CREATE TRIGGER "AuditEntries_RefuseUpdate" BEFORE UPDATE ON "AuditEntries"
                    BEGIN
                        SELECT RAISE(ABORT, 'The audit log is append-only: UPDATE of AuditEntries is not allowed.');
                    END;
                    """);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AuditCheckpoints");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_Action_Sequence",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_AgencyId_Sequence",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_CaseNumber_Sequence",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_LegalBasis_Sequence",
                table: "AuditEntries");

            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_ResidentId_Sequence",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "AgencyId",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "CaseNumber",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "LegalBasis",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "ResidentId",
                table: "AuditEntries");
        }
    }
}
