using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LedgerEntriesKeyedByCustomer : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The key (customer_id, id) takes the place of both the key on the id and the index by customer, which held
            // the same columns: one index less on every entry. Built before the customer index goes. The build holds
            // the table's lock: on a ledger of billions of entries, run it in a maintenance window, or build a unique
            // index on (customer_id, id) concurrently by hand first and add the key with USING INDEX.
            migrationBuilder.DropPrimaryKey(
                name: "PK_ledger_entries",
                table: "ledger_entries");

            migrationBuilder.AddPrimaryKey(
                name: "PK_ledger_entries",
                table: "ledger_entries",
                columns: new[] { "customer_id", "id" });

            migrationBuilder.DropIndex(
                name: "ix_ledger_entries_customer",
                table: "ledger_entries");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "PK_ledger_entries",
                table: "ledger_entries");

            migrationBuilder.AddPrimaryKey(
                name: "PK_ledger_entries",
                table: "ledger_entries",
                column: "id");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_entries_customer",
                table: "ledger_entries",
                columns: new[] { "customer_id", "id" });
        }
    }
}
