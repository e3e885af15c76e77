using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class GrantsHotBurnDown : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ledger_grants_expiring",
                table: "ledger_grants");

            migrationBuilder.DropIndex(
                name: "ix_ledger_grants_open",
                table: "ledger_grants");

            migrationBuilder.AlterTable(
                name: "ledger_grants")
                .Annotation("Npgsql:StorageParameter:fillfactor", 70);

            migrationBuilder.AddColumn<bool>(
                name: "is_open",
                table: "ledger_grants",
                type: "boolean",
                nullable: false,
                computedColumnSql: "remaining > 0",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_ledger_grants_expiring",
                table: "ledger_grants",
                column: "expires_at",
                filter: "is_open");

            migrationBuilder.CreateIndex(
                name: "ix_ledger_grants_open",
                table: "ledger_grants",
                column: "customer_id",
                filter: "is_open");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_ledger_grants_expiring",
                table: "ledger_grants");

            migrationBuilder.DropIndex(
                name: "ix_ledger_grants_open",
                table: "ledger_grants");

            migrationBuilder.DropColumn(
                name: "is_open",
                table: "ledger_grants");

            migrationBuilder.AlterTable(
                name: "ledger_grants")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 70);

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
        }
    }
}
