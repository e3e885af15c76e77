using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PlanChangeDeadline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "deadline_token_id",
                table: "plan_change_saga",
                type: "uuid",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "deadline_token_id",
                table: "plan_change_saga");
        }
    }
}
