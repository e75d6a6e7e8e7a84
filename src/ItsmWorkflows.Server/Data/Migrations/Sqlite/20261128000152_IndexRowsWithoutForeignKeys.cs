using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class IndexRowsWithoutForeignKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_bookmarks_workflow_instances_instance_id",
                table: "bookmarks");

            migrationBuilder.DropForeignKey(
                name: "fk_incidents_workflow_instances_instance_id",
                table: "incidents");

            migrationBuilder.DropForeignKey(
                name: "fk_journal_entries_workflow_instances_instance_id",
                table: "journal_entries");

            migrationBuilder.DropForeignKey(
                name: "fk_timers_workflow_instances_instance_id",
                table: "timers");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddForeignKey(
                name: "fk_bookmarks_workflow_instances_instance_id",
                table: "bookmarks",
                column: "instance_id",
                principalTable: "workflow_instances",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_incidents_workflow_instances_instance_id",
                table: "incidents",
                column: "instance_id",
                principalTable: "workflow_instances",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_journal_entries_workflow_instances_instance_id",
                table: "journal_entries",
                column: "instance_id",
                principalTable: "workflow_instances",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_timers_workflow_instances_instance_id",
                table: "timers",
                column: "instance_id",
                principalTable: "workflow_instances",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
