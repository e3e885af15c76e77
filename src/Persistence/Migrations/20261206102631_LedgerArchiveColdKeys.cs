using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LedgerArchiveColdKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ledger_archive_keys",
                columns: table => new
                {
                    customer_id = table.Column<string>(type: "text", nullable: false),
                    first_entry_id = table.Column<long>(type: "bigint", nullable: false),
                    keys = table.Column<int>(type: "integer", nullable: false),
                    filter = table.Column<byte[]>(type: "bytea", nullable: false),
                    fences = table.Column<byte[]>(type: "bytea", nullable: false),
                    hashes = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ledger_archive_keys", x => new { x.customer_id, x.first_entry_id });
                    table.ForeignKey(
                        name: "FK_ledger_archive_keys_ledger_archive_chunks_customer_id_first~",
                        columns: x => new { x.customer_id, x.first_entry_id },
                        principalTable: "ledger_archive_chunks",
                        principalColumns: new[] { "customer_id", "first_entry_id" },
                        onDelete: ReferentialAction.Cascade);
                });

            // The sorted hashes are read a 4 KB block at a time with substring(), which PostgreSQL serves from the one
            // TOAST chunk that holds it only when the value is stored uncompressed; hashes would not compress anyway.
            migrationBuilder.Sql("ALTER TABLE ledger_archive_keys ALTER COLUMN hashes SET STORAGE EXTERNAL;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ledger_archive_keys");
        }
    }
}
