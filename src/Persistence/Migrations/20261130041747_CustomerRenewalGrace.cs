using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CustomerRenewalGrace : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "overage_suspended",
                table: "customer_lifecycle_saga",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<Guid>(
                name: "renewal_grace_token_id",
                table: "customer_lifecycle_saga",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "renewal_unpaid_since",
                table: "customer_lifecycle_saga",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "overage_suspended",
                table: "customer_lifecycle_saga");

            migrationBuilder.DropColumn(
                name: "renewal_grace_token_id",
                table: "customer_lifecycle_saga");

            migrationBuilder.DropColumn(
                name: "renewal_unpaid_since",
                table: "customer_lifecycle_saga");
        }
    }
}
