using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SubscriptionLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "cancel_at",
                table: "customer_lifecycle_saga",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "cancellation_operation_id",
                table: "customer_lifecycle_saga",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "cancelled_at",
                table: "customer_lifecycle_saga",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "last_cancellation_operation_id",
                table: "customer_lifecycle_saga",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "past_due_amount",
                table: "customer_lifecycle_saga",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<string>(
                name: "past_due_currency",
                table: "customer_lifecycle_saga",
                type: "character varying(8)",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "past_due_invoice_id",
                table: "customer_lifecycle_saga",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "past_due_invoice_url",
                table: "customer_lifecycle_saga",
                type: "character varying(2048)",
                maxLength: 2048,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "cancellation_saga",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    current_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    subscription_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    plan_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    free_plan_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    mode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    requested_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    reason = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    stripe_ended = table.Column<bool>(type: "boolean", nullable: false),
                    allowance_lapsed = table.Column<long>(type: "bigint", nullable: false),
                    period_end_token_id = table.Column<Guid>(type: "uuid", nullable: true),
                    steps = table.Column<string>(type: "text", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_cancellation_saga", x => x.correlation_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cancellation_saga_customer_id",
                table: "cancellation_saga",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_cancellation_saga_subscription_id",
                table: "cancellation_saga",
                column: "subscription_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cancellation_saga");

            migrationBuilder.DropColumn(
                name: "cancel_at",
                table: "customer_lifecycle_saga");

            migrationBuilder.DropColumn(
                name: "cancellation_operation_id",
                table: "customer_lifecycle_saga");

            migrationBuilder.DropColumn(
                name: "cancelled_at",
                table: "customer_lifecycle_saga");

            migrationBuilder.DropColumn(
                name: "last_cancellation_operation_id",
                table: "customer_lifecycle_saga");

            migrationBuilder.DropColumn(
                name: "past_due_amount",
                table: "customer_lifecycle_saga");

            migrationBuilder.DropColumn(
                name: "past_due_currency",
                table: "customer_lifecycle_saga");

            migrationBuilder.DropColumn(
                name: "past_due_invoice_id",
                table: "customer_lifecycle_saga");

            migrationBuilder.DropColumn(
                name: "past_due_invoice_url",
                table: "customer_lifecycle_saga");
        }
    }
}
