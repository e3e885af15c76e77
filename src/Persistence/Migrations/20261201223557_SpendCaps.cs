using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SpendCaps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "overage_cap",
                table: "ledger_accounts",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "overage_previous_period",
                table: "ledger_accounts",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "spend_cap_alerted",
                table: "ledger_accounts",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            // The previous period's overage so far, so that its late usage counts against the spend cap from the first
            // operation after the upgrade (the ledger keeps the column equal to the sum of those entries from here on).
            migrationBuilder.Sql("""
                UPDATE ledger_accounts a SET overage_previous_period = s.quantity
                FROM (SELECT e.customer_id, sum(e.quantity)::bigint AS quantity
                      FROM ledger_entries e JOIN ledger_accounts x ON x.customer_id = e.customer_id
                      WHERE e.kind = 'Overage' AND e.period_start = x.previous_period_start
                      GROUP BY e.customer_id) s
                WHERE a.customer_id = s.customer_id
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "overage_cap",
                table: "ledger_accounts");

            migrationBuilder.DropColumn(
                name: "overage_previous_period",
                table: "ledger_accounts");

            migrationBuilder.DropColumn(
                name: "spend_cap_alerted",
                table: "ledger_accounts");
        }
    }
}
