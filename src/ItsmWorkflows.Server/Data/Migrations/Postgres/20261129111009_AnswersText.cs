using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Postgres
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
                type: "text",
                nullable: true);

            // Requests raised before: their answers' values (text and numbers, not true/false), one a line, as
            // TicketSearch.AnswersText writes them for new ones. A details without an answers object has none.
            migrationBuilder.Sql("""
                UPDATE tickets t SET answers_text = a.text
                FROM (SELECT x.id, string_agg(e.value #>> '{}', E'\n') AS text
                      FROM tickets x,
                           jsonb_each(CASE WHEN jsonb_typeof(x.details -> 'answers') = 'object' THEN x.details -> 'answers' ELSE '{}'::jsonb END) e
                      WHERE jsonb_typeof(e.value) IN ('string', 'number') AND btrim(e.value #>> '{}') <> ''
                      GROUP BY x.id) a
                WHERE t.id = a.id;
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
