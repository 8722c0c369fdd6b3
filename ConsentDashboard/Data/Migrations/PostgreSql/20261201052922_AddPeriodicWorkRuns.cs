using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConsentDashboard.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class AddPeriodicWorkRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PeriodicWorkRuns",
                columns: table => new
                {
                    Work = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Tick = table.Column<long>(type: "bigint", nullable: false),
                    RanAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PeriodicWorkRuns", x => x.Work);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PeriodicWorkRuns");
        }
    }
}
