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
