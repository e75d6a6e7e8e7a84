using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IncidentAlertKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "alert_key",
                table: "tickets",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "raised_by",
                table: "tickets",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_tickets_alert_key",
                table: "tickets",
                column: "alert_key");

            migrationBuilder.CreateIndex(
                name: "ix_tickets_raised_by",
                table: "tickets",
                column: "raised_by",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tickets_alert_key",
                table: "tickets");

            migrationBuilder.DropIndex(
                name: "ix_tickets_raised_by",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "alert_key",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "raised_by",
                table: "tickets");
        }
    }
}
