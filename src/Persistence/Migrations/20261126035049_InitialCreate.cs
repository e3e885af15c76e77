using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class InitialCreate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "auto_top_up_saga",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    current_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    threshold = table.Column<long>(type: "bigint", nullable: false),
                    credits = table.Column<long>(type: "bigint", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    purchase_id = table.Column<Guid>(type: "uuid", nullable: true),
                    purchases_started = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_auto_top_up_saga", x => x.correlation_id);
                });

            migrationBuilder.CreateTable(
                name: "billing_reconciliation_differences",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    stripe_customer_id = table.Column<string>(type: "text", nullable: true),
                    kind = table.Column<string>(type: "text", nullable: false),
                    expected = table.Column<string>(type: "text", nullable: false),
                    actual = table.Column<string>(type: "text", nullable: false),
                    correction = table.Column<string>(type: "text", nullable: false),
                    found_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_billing_reconciliation_differences", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "customer_lifecycle_saga",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    current_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    plan_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    subscription_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    subscription_status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    items = table.Column<string>(type: "jsonb", nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    allowance_period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    plan_change_operation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    last_plan_change_operation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_customer_lifecycle_saga", x => x.correlation_id);
                });

            migrationBuilder.CreateTable(
                name: "inbox_state",
                columns: table => new
                {
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    consumer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    received = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    receive_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbox_state", x => new { x.message_id, x.consumer_id });
                });

            migrationBuilder.CreateTable(
                name: "ledger_accounts",
                columns: table => new
                {
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    plan_id = table.Column<string>(type: "text", nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    balance = table.Column<long>(type: "bigint", nullable: false),
                    held = table.Column<long>(type: "bigint", nullable: false),
                    overage_this_period = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_accounts", x => x.customer_id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    held_change = table.Column<long>(type: "bigint", nullable: false),
                    quantity = table.Column<long>(type: "bigint", nullable: false),
                    grant_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reservation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    idempotency_key = table.Column<string>(type: "text", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    fingerprint = table.Column<string>(type: "text", nullable: true),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    note = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_entries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_overage_reports",
                columns: table => new
                {
                    idempotency_key = table.Column<string>(type: "text", nullable: false),
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    quantity = table.Column<long>(type: "bigint", nullable: false),
                    last_entry_id = table.Column<long>(type: "bigint", nullable: false),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_overage_reports", x => x.idempotency_key);
                });

            migrationBuilder.CreateTable(
                name: "outbox_message",
                columns: table => new
                {
                    sequence_number = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    outbox_id = table.Column<Guid>(type: "uuid", nullable: false),
                    inbox_message_id = table.Column<Guid>(type: "uuid", nullable: true),
                    inbox_consumer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    content_type = table.Column<string>(type: "text", nullable: false),
                    message_type = table.Column<string>(type: "text", nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    headers = table.Column<string>(type: "jsonb", nullable: true),
                    properties = table.Column<string>(type: "jsonb", nullable: true),
                    conversation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: true),
                    initiator_id = table.Column<Guid>(type: "uuid", nullable: true),
                    request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    source_address = table.Column<string>(type: "text", nullable: true),
                    destination_address = table.Column<string>(type: "text", nullable: true),
                    response_address = table.Column<string>(type: "text", nullable: true),
                    fault_address = table.Column<string>(type: "text", nullable: true),
                    sent_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expiration_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_message", x => x.sequence_number);
                });

            migrationBuilder.CreateTable(
                name: "outbox_state",
                columns: table => new
                {
                    outbox_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_state", x => x.outbox_id);
                });

            migrationBuilder.CreateTable(
                name: "plan_change_saga",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    current_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    subscription_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    from_plan_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    to_plan_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    from_plan = table.Column<string>(type: "jsonb", nullable: false),
                    to_plan = table.Column<string>(type: "jsonb", nullable: false),
                    previous_items = table.Column<string>(type: "jsonb", nullable: false),
                    current_items = table.Column<string>(type: "jsonb", nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    proration_invoice_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    credits_granted = table.Column<long>(type: "bigint", nullable: false),
                    payment_timeout_token_id = table.Column<Guid>(type: "uuid", nullable: true),
                    period_end_token_id = table.Column<Guid>(type: "uuid", nullable: true),
                    steps = table.Column<string>(type: "text", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_plan_change_saga", x => x.correlation_id);
                });

            migrationBuilder.CreateTable(
                name: "round_trip",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    trace_id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_round_trip", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "scheduled_message",
                columns: table => new
                {
                    token_id = table.Column<Guid>(type: "uuid", nullable: false),
                    due_time = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    destination_address = table.Column<string>(type: "text", nullable: false),
                    message_id = table.Column<Guid>(type: "uuid", nullable: false),
                    content_type = table.Column<string>(type: "text", nullable: false),
                    message_type = table.Column<string>(type: "text", nullable: false),
                    body = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scheduled_message", x => x.token_id);
                });

            migrationBuilder.CreateTable(
                name: "stripe_customers",
                columns: table => new
                {
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    stripe_customer_id = table.Column<string>(type: "text", nullable: false),
                    subscription_id = table.Column<string>(type: "text", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stripe_customers", x => x.customer_id);
                });

            migrationBuilder.CreateTable(
                name: "stripe_meter_reports",
                columns: table => new
                {
                    identifier = table.Column<string>(type: "text", nullable: false),
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    stripe_customer_id = table.Column<string>(type: "text", nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    quantity = table.Column<long>(type: "bigint", nullable: false),
                    last_entry_id = table.Column<long>(type: "bigint", nullable: false),
                    timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stripe_meter_reports", x => x.identifier);
                });

            migrationBuilder.CreateTable(
                name: "stripe_object_versions",
                columns: table => new
                {
                    object_id = table.Column<string>(type: "text", nullable: false),
                    last_event_created = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_event_id = table.Column<string>(type: "text", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stripe_object_versions", x => x.object_id);
                });

            migrationBuilder.CreateTable(
                name: "stripe_webhook_events",
                columns: table => new
                {
                    event_id = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "text", nullable: false),
                    object_id = table.Column<string>(type: "text", nullable: true),
                    event_created = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    outcome = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_stripe_webhook_events", x => x.event_id);
                });

            migrationBuilder.CreateTable(
                name: "top_up_saga",
                columns: table => new
                {
                    correlation_id = table.Column<Guid>(type: "uuid", nullable: false),
                    current_state = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    stripe_customer_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    credits = table.Column<long>(type: "bigint", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    use_saved_card = table.Column<bool>(type: "boolean", nullable: false),
                    checkout_session_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    checkout_url = table.Column<string>(type: "text", nullable: true),
                    payment_intent_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    amount_refunded = table.Column<long>(type: "bigint", nullable: false),
                    abandon_timeout_token_id = table.Column<Guid>(type: "uuid", nullable: true),
                    last_error = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_top_up_saga", x => x.correlation_id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_grants",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    source = table.Column<string>(type: "text", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    remaining = table.Column<long>(type: "bigint", nullable: false),
                    priority = table.Column<int>(type: "integer", nullable: false),
                    effective_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    idempotency_key = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_grants", x => x.id);
                    table.ForeignKey(
                        name: "FK_ledger_grants_ledger_accounts_customer_id",
                        column: x => x.customer_id,
                        principalTable: "ledger_accounts",
                        principalColumn: "customer_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ledger_reservations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    idempotency_key = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_reservations", x => x.id);
                    table.ForeignKey(
                        name: "FK_ledger_reservations_ledger_accounts_customer_id",
                        column: x => x.customer_id,
                        principalTable: "ledger_accounts",
                        principalColumn: "customer_id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_billing_reconciliation_differences_found_at",
                table: "billing_reconciliation_differences",
                column: "found_at");

            migrationBuilder.CreateIndex(
                name: "ix_customer_lifecycle_saga_subscription_id",
                table: "customer_lifecycle_saga",
                column: "subscription_id");

            migrationBuilder.CreateIndex(
                name: "ux_customer_lifecycle_saga_customer_id",
                table: "customer_lifecycle_saga",
                column: "customer_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_inbox_state_received",
                table: "inbox_state",
                column: "received");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_customer",
                table: "ledger_entries",
                columns: new[] { "customer_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_overage",
                table: "ledger_entries",
                columns: new[] { "customer_id", "period_start", "id" },
                filter: "kind = 'Overage'");

            migrationBuilder.CreateIndex(
                name: "ux_ledger_entries_idempotency_key",
                table: "ledger_entries",
                columns: new[] { "idempotency_key", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_grants_expiring",
                table: "ledger_grants",
                column: "expires_at",
                filter: "remaining > 0");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_grants_open",
                table: "ledger_grants",
                column: "customer_id",
                filter: "remaining > 0");

            migrationBuilder.CreateIndex(
                name: "ux_ledger_grants_idempotency_key",
                table: "ledger_grants",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_overage_reports_period",
                table: "ledger_overage_reports",
                columns: new[] { "customer_id", "period_start", "last_entry_id" });

            migrationBuilder.CreateIndex(
                name: "ix_ledger_reservations_expiring",
                table: "ledger_reservations",
                column: "expires_at",
                filter: "status = 'Open'");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_reservations_open",
                table: "ledger_reservations",
                column: "customer_id",
                filter: "status = 'Open'");

            migrationBuilder.CreateIndex(
                name: "ux_ledger_reservations_idempotency_key",
                table: "ledger_reservations",
                column: "idempotency_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_message_outbox_id_sequence_number",
                table: "outbox_message",
                columns: new[] { "outbox_id", "sequence_number" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_state_created",
                table: "outbox_state",
                column: "created");

            migrationBuilder.CreateIndex(
                name: "ix_plan_change_saga_customer_id",
                table: "plan_change_saga",
                column: "customer_id");

            migrationBuilder.CreateIndex(
                name: "ix_plan_change_saga_proration_invoice_id",
                table: "plan_change_saga",
                column: "proration_invoice_id");

            migrationBuilder.CreateIndex(
                name: "IX_scheduled_message_due_time",
                table: "scheduled_message",
                column: "due_time");

            migrationBuilder.CreateIndex(
                name: "ux_stripe_customers_stripe_customer_id",
                table: "stripe_customers",
                column: "stripe_customer_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_stripe_meter_reports_customer_period",
                table: "stripe_meter_reports",
                columns: new[] { "customer_id", "period_start" });

            migrationBuilder.CreateIndex(
                name: "ix_stripe_meter_reports_pending",
                table: "stripe_meter_reports",
                column: "customer_id",
                filter: "accepted_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_top_up_saga_payment_intent_id",
                table: "top_up_saga",
                column: "payment_intent_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "auto_top_up_saga");

            migrationBuilder.DropTable(
                name: "billing_reconciliation_differences");

            migrationBuilder.DropTable(
                name: "customer_lifecycle_saga");

            migrationBuilder.DropTable(
                name: "inbox_state");

            migrationBuilder.DropTable(
                name: "ledger_entries");

            migrationBuilder.DropTable(
                name: "ledger_grants");

            migrationBuilder.DropTable(
                name: "ledger_overage_reports");

            migrationBuilder.DropTable(
                name: "ledger_reservations");

            migrationBuilder.DropTable(
                name: "outbox_message");

            migrationBuilder.DropTable(
                name: "outbox_state");

            migrationBuilder.DropTable(
                name: "plan_change_saga");

            migrationBuilder.DropTable(
                name: "round_trip");

            migrationBuilder.DropTable(
                name: "scheduled_message");

            migrationBuilder.DropTable(
                name: "stripe_customers");

            migrationBuilder.DropTable(
                name: "stripe_meter_reports");

            migrationBuilder.DropTable(
                name: "stripe_object_versions");

            migrationBuilder.DropTable(
                name: "stripe_webhook_events");

            migrationBuilder.DropTable(
                name: "top_up_saga");

            migrationBuilder.DropTable(
                name: "ledger_accounts");
        }
    }
}
