using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class InstanceListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_workflow_instances_definition_id_created_at",
                table: "workflow_instances",
                columns: new[] { "definition_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_workflow_instances_sub_status_created_at",
                table: "workflow_instances",
                columns: new[] { "sub_status", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_workflow_instances_definition_id_created_at",
                table: "workflow_instances");

            migrationBuilder.DropIndex(
                name: "ix_workflow_instances_sub_status_created_at",
                table: "workflow_instances");
        }
    }
}
