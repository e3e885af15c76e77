using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RetireReconciliationDifferences : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The money audit supersedes reconciliation. What reconciliation found is kept, as history: each row becomes an
            // audit difference already resolved (by this migration), with its correction as the repair.
            migrationBuilder.Sql("""
                INSERT INTO audit_differences (id, fingerprint, kind, subject, customer_id, stripe_customer_id, expected, actual,
                    occurred_at, evidence, status, repair, resolved_by, resolution, resolved_at, first_run_id, found_at, last_seen_at)
                SELECT id, 'reconciliation:' || id, kind, customer_id, customer_id, stripe_customer_id, expected, actual,
                    found_at, '{}'::jsonb, 'resolved', correction, 'migration RetireReconciliationDifferences',
                    'found by reconciliation before the money audit replaced it; kept as history', now(), '00000000-0000-0000-0000-000000000000',
                    found_at, found_at
                FROM billing_reconciliation_differences
                ON CONFLICT (fingerprint) DO NOTHING;
                """);
            migrationBuilder.DropTable(
                name: "billing_reconciliation_differences");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "billing_reconciliation_differences",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    actual = table.Column<string>(type: "text", nullable: false),
                    correction = table.Column<string>(type: "text", nullable: false),
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    expected = table.Column<string>(type: "text", nullable: false),
                    found_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    stripe_customer_id = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_billing_reconciliation_differences", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_billing_reconciliation_differences_found_at",
                table: "billing_reconciliation_differences",
                column: "found_at");
        }
    }
}
