using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LedgerPeriodBoundaries : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "low_balance_threshold",
                table: "ledger_accounts",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "overage_next_period",
                table: "ledger_accounts",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<bool>(
                name: "overage_suspended",
                table: "ledger_accounts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "previous_period_start",
                table: "ledger_accounts",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "low_balance_threshold",
                table: "ledger_accounts");

            migrationBuilder.DropColumn(
                name: "overage_next_period",
                table: "ledger_accounts");

            migrationBuilder.DropColumn(
                name: "overage_suspended",
                table: "ledger_accounts");

            migrationBuilder.DropColumn(
                name: "previous_period_start",
                table: "ledger_accounts");
        }
    }
}
