using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConsentDashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class RecordDisclosureExpiry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ExpiryLoggedAt",
                table: "Disclosures",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Disclosures_AccessExpiresAt",
                table: "Disclosures",
                column: "AccessExpiresAt",
                filter: "\"ExpiryLoggedAt\" IS NULL AND \"RevokedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Disclosures_AccessExpiresAt",
                table: "Disclosures");

            migrationBuilder.DropColumn(
                name: "ExpiryLoggedAt",
                table: "Disclosures");
        }
    }
}
