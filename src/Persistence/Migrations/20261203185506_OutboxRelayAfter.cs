using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class OutboxRelayAfter : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_state_created",
                table: "outbox_state");

            migrationBuilder.AddColumn<DateTime>(
                name: "relay_after",
                table: "outbox_state",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            // Units written before this release were left to the relay: due at once, in the order they were written.
            migrationBuilder.Sql("UPDATE outbox_state SET relay_after = created;");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_state_relay_after",
                table: "outbox_state",
                column: "relay_after");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_state_relay_after",
                table: "outbox_state");

            migrationBuilder.DropColumn(
                name: "relay_after",
                table: "outbox_state");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_state_created",
                table: "outbox_state",
                column: "created");
        }
    }
}
