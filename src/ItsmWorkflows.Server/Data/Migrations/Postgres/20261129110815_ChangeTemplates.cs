using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ChangeTemplates : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "change_template_id",
                table: "tickets",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "change_templates",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    services = table.Column<string>(type: "jsonb", nullable: false),
                    assignment_group = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    implementation_plan = table.Column<string>(type: "text", nullable: false),
                    backout_plan = table.Column<string>(type: "text", nullable: false),
                    test_plan = table.Column<string>(type: "text", nullable: true),
                    max_duration = table.Column<TimeSpan>(type: "interval", nullable: true),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    revision = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_change_templates", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_tickets_change_template_id",
                table: "tickets",
                column: "change_template_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "change_templates");

            migrationBuilder.DropIndex(
                name: "ix_tickets_change_template_id",
                table: "tickets");

            migrationBuilder.DropColumn(
                name: "change_template_id",
                table: "tickets");
        }
    }
}
