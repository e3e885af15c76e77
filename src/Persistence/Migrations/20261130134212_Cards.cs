using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Cards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "card_checkout_session_id",
                table: "plan_change_saga",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "card_checkout_url",
                table: "plan_change_saga",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "card_timeout_token_id",
                table: "plan_change_saga",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "requested_plan_id",
                table: "customer_lifecycle_saga",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "card_setup_saga",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    current_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    checkout_session_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    checkout_url = table.Column<string>(type: "text", nullable: true),
                    setup_intent_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    payment_method_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    timeout_token_id = table.Column<Guid>(type: "uuid", nullable: true),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_card_setup_saga", x => x.correlation_id);
                });

            migrationBuilder.CreateTable(
                name: "saved_cards",
                columns: table => new
                {
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    payment_method_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    brand = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    last4 = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: true),
                    exp_month = table.Column<long>(type: "bigint", nullable: true),
                    exp_year = table.Column<long>(type: "bigint", nullable: true),
                    operation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    saved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_saved_cards", x => x.customer_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_card_setup_saga_customer_id",
                table: "card_setup_saga",
                column: "customer_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "card_setup_saga");

            migrationBuilder.DropTable(
                name: "saved_cards");

            migrationBuilder.DropColumn(
                name: "card_checkout_session_id",
                table: "plan_change_saga");

            migrationBuilder.DropColumn(
                name: "card_checkout_url",
                table: "plan_change_saga");

            migrationBuilder.DropColumn(
                name: "card_timeout_token_id",
                table: "plan_change_saga");

            migrationBuilder.DropColumn(
                name: "requested_plan_id",
                table: "customer_lifecycle_saga");
        }
    }
}
