using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LedgerEntriesHashedKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // One statement, so the table is rewritten once: the fingerprints become the hash the ledger now compares
            // (EntryHashes.Fingerprint computes the same in C#), and the key hash is computed for every entry.
            migrationBuilder.Sql("""
                ALTER TABLE ledger_entries
                    ALTER COLUMN fingerprint TYPE bigint USING ('x' || substr(md5(fingerprint), 1, 16))::bit(64)::bigint,
                    ADD COLUMN key_hash uuid GENERATED ALWAYS AS (md5(idempotency_key)::uuid) STORED NOT NULL;
                """);

            // The new once-only index exists before the old one goes.
            migrationBuilder.CreateIndex(
                name: "ux_ledger_entries_key_hash",
                table: "ledger_entries",
                columns: new[] { "key_hash", "sequence" },
                unique: true);

            migrationBuilder.DropIndex(
                name: "ux_ledger_entries_idempotency_key",
                table: "ledger_entries");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_ledger_entries_key_hash",
                table: "ledger_entries");

            migrationBuilder.DropColumn(
                name: "key_hash",
                table: "ledger_entries");

            // The fingerprints' text cannot be restored: after a downgrade, a replay of a key written before it is
            // answered as a conflict (nothing is written either way), not as a duplicate.
            migrationBuilder.Sql("ALTER TABLE ledger_entries ALTER COLUMN fingerprint TYPE text USING fingerprint::text;");

            migrationBuilder.CreateIndex(
                name: "ux_ledger_entries_idempotency_key",
                table: "ledger_entries",
                columns: new[] { "idempotency_key", "sequence" },
                unique: true);
        }
    }
}
