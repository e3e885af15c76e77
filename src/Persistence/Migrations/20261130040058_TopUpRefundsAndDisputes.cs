using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class TopUpRefundsAndDisputes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "credits_frozen",
                table: "top_up_saga",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "dispute_id",
                table: "top_up_saga",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "dispute_status",
                table: "top_up_saga",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "disputed_amount",
                table: "top_up_saga",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "refund_reported",
                table: "top_up_saga",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "credits_frozen",
                table: "top_up_saga");

            migrationBuilder.DropColumn(
                name: "dispute_id",
                table: "top_up_saga");

            migrationBuilder.DropColumn(
                name: "dispute_status",
                table: "top_up_saga");

            migrationBuilder.DropColumn(
                name: "disputed_amount",
                table: "top_up_saga");

            migrationBuilder.DropColumn(
                name: "refund_reported",
                table: "top_up_saga");
        }
    }
}
