using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConsentDashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddContactAddressAndAuditSubjectIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "PostalAddress",
                table: "AspNetUsers",
                type: "TEXT",
                maxLength: 300,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_Subject",
                table: "AuditEntries",
                column: "Subject");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditEntries_Subject",
                table: "AuditEntries");

            migrationBuilder.DropColumn(
                name: "PostalAddress",
                table: "AspNetUsers");
        }
    }
}
