using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AnswersText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "answers_text",
                table: "tickets",
                type: "TEXT",
                nullable: true);

            // Requests raised before: their answers' values (text and numbers, not true/false), one a line, as
            // TicketSearch.AnswersText writes them for new ones. A details without an answers object has none.
            migrationBuilder.Sql("""
                UPDATE tickets SET answers_text = (
                    SELECT group_concat(e.value, char(10)) FROM json_each(tickets.details, '$.answers') e
                    WHERE e.type IN ('text', 'integer', 'real') AND trim(e.value) <> '')
                WHERE CASE WHEN json_valid(details) THEN json_type(details, '$.answers') = 'object' ELSE 0 END;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "answers_text",
                table: "tickets");
        }
    }
}
