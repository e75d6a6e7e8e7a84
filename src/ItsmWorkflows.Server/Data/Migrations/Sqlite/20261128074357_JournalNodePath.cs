using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Sqlite
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
                type: "TEXT",
                nullable: true);

            // Entries written before this column took their node path from the state's own copy of the journal, which
            // the next save of each instance drops: keep it here first.
            migrationBuilder.Sql("""
                UPDATE journal_entries SET node_path = (
                    SELECT json_extract(e.value, '$.nodePath') FROM workflow_instances i, json_each(i.state, '$.journal') e
                    WHERE i.id = journal_entries.instance_id AND json_extract(e.value, '$.sequence') = journal_entries.sequence)
                WHERE EXISTS (SELECT 1 FROM workflow_instances i WHERE i.id = journal_entries.instance_id AND json_extract(i.state, '$.journal') IS NOT NULL);
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
