using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ConsentDashboard.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddReviewLegalDemandsAndLedger : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LegalDemands_AgencyId",
                table: "LegalDemands");

            migrationBuilder.AddColumn<DateTime>(
                name: "AccessExpiresAt",
                table: "LegalDemands",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<bool>(
                name: "AllowDownload",
                table: "LegalDemands",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "CameraIds",
                table: "LegalDemands",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Court",
                table: "LegalDemands",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "CoveredFrom",
                table: "LegalDemands",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<DateTime>(
                name: "CoveredTo",
                table: "LegalDemands",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<DateTime>(
                name: "DocumentDate",
                table: "LegalDemands",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<string>(
                name: "DocumentSha256",
                table: "LegalDemands",
                type: "TEXT",
                fixedLength: true,
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<long>(
                name: "DocumentSizeBytes",
                table: "LegalDemands",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "DocumentStorageKey",
                table: "LegalDemands",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "FollowUpAttachedAt",
                table: "LegalDemands",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FollowUpReference",
                table: "LegalDemands",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NoticeAt",
                table: "LegalDemands",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            migrationBuilder.AddColumn<string>(
                name: "NoticeDelayReason",
                table: "LegalDemands",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NoticeDeliveredAt",
                table: "LegalDemands",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ResidentId",
                table: "LegalDemands",
                type: "TEXT",
                maxLength: 450,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<DateTime>(
                name: "ClosedAt",
                table: "FootageRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "OpenedAt",
                table: "FootageRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RejectionReason",
                table: "FootageRequests",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReviewedAt",
                table: "FootageRequests",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ReviewedById",
                table: "FootageRequests",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            // Review is on by default, for agencies that existed before it too.
            migrationBuilder.AddColumn<bool>(
                name: "RequiresReview",
                table: "Agencies",
                type: "INTEGER",
                nullable: false,
                defaultValue: true);

            // Requests filed before review existed reached residents when they were filed.
            migrationBuilder.Sql("UPDATE \"FootageRequests\" SET \"OpenedAt\" = \"CreatedAt\";");

            migrationBuilder.CreateIndex(
                name: "IX_LegalDemands_AgencyId_RecordedAt",
                table: "LegalDemands",
                columns: new[] { "AgencyId", "RecordedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_LegalDemands_NoticeAt",
                table: "LegalDemands",
                column: "NoticeAt",
                filter: "\"NoticeDeliveredAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_LegalDemands_ResidentId_NoticeDeliveredAt",
                table: "LegalDemands",
                columns: new[] { "ResidentId", "NoticeDeliveredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_FootageRequests_CreatedAt",
                table: "FootageRequests",
                column: "CreatedAt");

            migrationBuilder.AddForeignKey(
                name: "FK_LegalDemands_AspNetUsers_ResidentId",
                table: "LegalDemands",
                column: "ResidentId",
                principalTable: "AspNetUsers",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_LegalDemands_AspNetUsers_ResidentId",
                table: "LegalDemands");

            migrationBuilder.DropIndex(
                name: "IX_LegalDemands_AgencyId_RecordedAt",
                table: "LegalDemands");

            migrationBuilder.DropIndex(
                name: "IX_LegalDemands_NoticeAt",
                table: "LegalDemands");

            migrationBuilder.DropIndex(
                name: "IX_LegalDemands_ResidentId_NoticeDeliveredAt",
                table: "LegalDemands");

            migrationBuilder.DropIndex(
                name: "IX_FootageRequests_CreatedAt",
                table: "FootageRequests");

            migrationBuilder.DropColumn(
                name: "AccessExpiresAt",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "AllowDownload",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "CameraIds",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "Court",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "CoveredFrom",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "CoveredTo",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "DocumentDate",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "DocumentSha256",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "DocumentSizeBytes",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "DocumentStorageKey",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "FollowUpAttachedAt",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "FollowUpReference",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "NoticeAt",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "NoticeDelayReason",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "NoticeDeliveredAt",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "ResidentId",
                table: "LegalDemands");

            migrationBuilder.DropColumn(
                name: "ClosedAt",
                table: "FootageRequests");

            migrationBuilder.DropColumn(
                name: "OpenedAt",
                table: "FootageRequests");

            migrationBuilder.DropColumn(
                name: "RejectionReason",
                table: "FootageRequests");

            migrationBuilder.DropColumn(
                name: "ReviewedAt",
                table: "FootageRequests");

            migrationBuilder.DropColumn(
                name: "ReviewedById",
                table: "FootageRequests");

            migrationBuilder.DropColumn(
                name: "RequiresReview",
                table: "Agencies");

            migrationBuilder.CreateIndex(
                name: "IX_LegalDemands_AgencyId",
                table: "LegalDemands",
                column: "AgencyId");
        }
    }
}
