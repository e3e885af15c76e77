using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Credits.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class PlanChangeFailedGrantAllowance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "failed_grant_allowance",
                table: "plan_change_saga",
                type: "bigint",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "failed_grant_allowance",
                table: "plan_change_saga");
        }
    }
}
