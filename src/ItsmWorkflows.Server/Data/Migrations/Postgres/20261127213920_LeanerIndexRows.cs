using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LeanerIndexRows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_journal_entries",
                table: "journal_entries");

            migrationBuilder.DropIndex(
                name: "ix_journal_entries_instance_id_sequence",
                table: "journal_entries");

            migrationBuilder.DropIndex(
                name: "ix_bookmarks_due_at",
                table: "bookmarks");

            migrationBuilder.DropColumn(
                name: "id",
                table: "journal_entries");

            migrationBuilder.AddPrimaryKey(
                name: "pk_journal_entries",
                table: "journal_entries",
                columns: new[] { "instance_id", "sequence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_journal_entries",
                table: "journal_entries");

            migrationBuilder.AddColumn<long>(
                name: "id",
                table: "journal_entries",
                type: "bigint",
                nullable: false,
                defaultValue: 0L)
                .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);

            migrationBuilder.AddPrimaryKey(
                name: "pk_journal_entries",
                table: "journal_entries",
                column: "id");

            migrationBuilder.CreateIndex(
                name: "ix_journal_entries_instance_id_sequence",
                table: "journal_entries",
                columns: new[] { "instance_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_bookmarks_due_at",
                table: "bookmarks",
                column: "due_at");
        }
    }
}
