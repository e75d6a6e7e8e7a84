using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class JournalNodePath : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "node_path",
                table: "journal_entries",
                type: "text",
                nullable: true);

            // Entries written before this column took their node path from the state's own copy of the journal, which
            // the next save of each instance drops: keep it here first.
            migrationBuilder.Sql("""
                UPDATE journal_entries j SET node_path = e->>'nodePath'
                FROM workflow_instances i, jsonb_array_elements(i.state->'journal') e
                WHERE j.instance_id = i.id AND j.sequence = (e->>'sequence')::bigint AND e ? 'nodePath' AND jsonb_typeof(i.state->'journal') = 'array';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "node_path",
                table: "journal_entries");
        }
    }
}
