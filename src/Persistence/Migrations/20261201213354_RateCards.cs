using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class RateCards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "native_quantity",
                table: "ledger_entries",
                type: "numeric(19,6)",
                precision: 19,
                scale: 6,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "rate_id",
                table: "ledger_entries",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "usage_remainder",
                table: "ledger_accounts",
                type: "numeric(19,18)",
                precision: 19,
                scale: 18,
                nullable: false,
                defaultValue: 0m);

            migrationBuilder.CreateTable(
                name: "rate_card_versions",
                columns: table => new
                {
                    version = table.Column<int>(type: "integer", nullable: false),
                    effective_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_rate_card_versions", x => x.version);
                });

            migrationBuilder.CreateTable(
                name: "usage_rates",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    version = table.Column<int>(type: "integer", nullable: false),
                    feature = table.Column<string>(type: "text", nullable: false),
                    unit = table.Column<string>(type: "text", nullable: false),
                    credits_per_unit = table.Column<decimal>(type: "numeric(22,12)", precision: 22, scale: 12, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_usage_rates", x => x.id);
                    table.ForeignKey(
                        name: "FK_usage_rates_rate_card_versions_version",
                        column: x => x.version,
                        principalTable: "rate_card_versions",
                        principalColumn: "version",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ux_rate_card_versions_effective_from",
                table: "rate_card_versions",
                column: "effective_from",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ux_usage_rates_version_feature_unit",
                table: "usage_rates",
                columns: new[] { "version", "feature", "unit" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "usage_rates");

            migrationBuilder.DropTable(
                name: "rate_card_versions");

            migrationBuilder.DropColumn(
                name: "native_quantity",
                table: "ledger_entries");

            migrationBuilder.DropColumn(
                name: "rate_id",
                table: "ledger_entries");

            migrationBuilder.DropColumn(
                name: "usage_remainder",
                table: "ledger_accounts");
        }
    }
}
