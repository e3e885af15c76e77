using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LedgerArchive : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ledger_archive_chunks",
                columns: table => new
                {
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    first_entry_id = table.Column<long>(type: "bigint", nullable: false),
                    last_entry_id = table.Column<long>(type: "bigint", nullable: false),
                    month = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    entries = table.Column<int>(type: "integer", nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    content_sha256 = table.Column<byte[]>(type: "bytea", nullable: false),
                    archived_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    verified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    difference = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_archive_chunks", x => new { x.customer_id, x.first_entry_id });
                });

            migrationBuilder.CreateTable(
                name: "ledger_archive_cursors",
                columns: table => new
                {
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    archived_through = table.Column<long>(type: "bigint", nullable: false),
                    next_check_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_archive_cursors", x => x.customer_id);
                });

            migrationBuilder.CreateTable(
                name: "ledger_archive_totals",
                columns: table => new
                {
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    first_entry_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "text", nullable: false),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    amount = table.Column<long>(type: "bigint", nullable: false),
                    held_change = table.Column<long>(type: "bigint", nullable: false),
                    quantity = table.Column<long>(type: "bigint", nullable: false),
                    entries = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_archive_totals", x => new { x.customer_id, x.first_entry_id, x.kind, x.period_start });
                    table.ForeignKey(
                        name: "FK_ledger_archive_totals_ledger_archive_chunks_customer_id_fir~",
                        columns: x => new { x.customer_id, x.first_entry_id },
                        principalTable: "ledger_archive_chunks",
                        principalColumns: new[] { "customer_id", "first_entry_id" },
                        onDelete: ReferentialAction.Cascade);
                });

            // The content is gzipped already: TOAST's own compression would only spend CPU on it.
            migrationBuilder.Sql("ALTER TABLE ledger_archive_chunks ALTER COLUMN content SET STORAGE EXTERNAL;");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_archive_chunks_difference",
                table: "ledger_archive_chunks",
                column: "customer_id",
                filter: "difference IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_archive_chunks_verified_at",
                table: "ledger_archive_chunks",
                column: "verified_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ledger_archive_cursors");

            migrationBuilder.DropTable(
                name: "ledger_archive_totals");

            migrationBuilder.DropTable(
                name: "ledger_archive_chunks");
        }
    }
}
