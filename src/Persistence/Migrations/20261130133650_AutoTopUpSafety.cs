using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AutoTopUpSafety : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "cap_month",
                table: "auto_top_up_saga",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "cap_reached_month",
                table: "auto_top_up_saga",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "consecutive_failures",
                table: "auto_top_up_saga",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "last_failure",
                table: "auto_top_up_saga",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "monthly_cap",
                table: "auto_top_up_saga",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "started_this_month",
                table: "auto_top_up_saga",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "suspended_at",
                table: "auto_top_up_saga",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ledger_expiry_warnings",
                columns: table => new
                {
                    grant_id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    grant_key = table.Column<string>(type: "text", nullable: false),
                    credits = table.Column<long>(type: "bigint", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_expiry_warnings", x => x.grant_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_expiry_warnings_customer",
                table: "ledger_expiry_warnings",
                column: "customer_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ledger_expiry_warnings");

            migrationBuilder.DropColumn(
                name: "cap_month",
                table: "auto_top_up_saga");

            migrationBuilder.DropColumn(
                name: "cap_reached_month",
                table: "auto_top_up_saga");

            migrationBuilder.DropColumn(
                name: "consecutive_failures",
                table: "auto_top_up_saga");

            migrationBuilder.DropColumn(
                name: "last_failure",
                table: "auto_top_up_saga");

            migrationBuilder.DropColumn(
                name: "monthly_cap",
                table: "auto_top_up_saga");

            migrationBuilder.DropColumn(
                name: "started_this_month",
                table: "auto_top_up_saga");

            migrationBuilder.DropColumn(
                name: "suspended_at",
                table: "auto_top_up_saga");
        }
    }
}
