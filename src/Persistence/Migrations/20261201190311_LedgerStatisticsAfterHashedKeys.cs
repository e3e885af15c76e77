using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LedgerStatisticsAfterHashedKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // LedgerEntriesHashedKeys added key_hash and rewrote fingerprint, and PostgreSQL keeps no statistics for a
            // column it adds or retypes until the next ANALYZE. On a large table autovacuum's next ANALYZE waits for a
            // tenth of the rows to change; until then the planner guesses one in 200 rows per hash, and the prior-entry
            // lookup of every usage batch of 200 keys or more became a scan of the whole table
            // (LedgerEntriesStatisticsTests; docs/BENCHMARKS.md, sixth pass). ANALYZE samples a fixed number of rows,
            // so it takes seconds even on billions of entries; it reads under a lock that lets writers go on.
            migrationBuilder.Sql("ANALYZE ledger_entries;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Statistics are not schema: nothing to undo.
        }
    }
}
