using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace ItsmWorkflows.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TicketsAndCatalog : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "blackout_windows",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    services = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_blackout_windows", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "catalog_items",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    service_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    form = table.Column<string>(type: "jsonb", nullable: false),
                    approval_required = table.Column<bool>(type: "boolean", nullable: false),
                    approvers = table.Column<string>(type: "jsonb", nullable: false),
                    approval_rule = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    fulfilment_group = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    tasks = table.Column<string>(type: "jsonb", nullable: false),
                    workflow_definition_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    price = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_catalog_items", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "services",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    owner = table.Column<string>(type: "text", nullable: true),
                    support_group = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    tiers = table.Column<string>(type: "jsonb", nullable: false),
                    calendar = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    sla_definition_id = table.Column<string>(type: "text", nullable: true),
                    criticality = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    availability_target = table.Column<decimal>(type: "numeric(6,3)", precision: 6, scale: 3, nullable: false),
                    cost_per_unit_month = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    unit = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_services", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "settings",
                columns: table => new
                {
                    key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    value = table.Column<string>(type: "jsonb", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_settings", x => x.key);
                });

            migrationBuilder.CreateTable(
                name: "sla_definitions",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    calendar = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    targets = table.Column<string>(type: "jsonb", nullable: false),
                    pause_statuses = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sla_definitions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "ticket_counters",
                columns: table => new
                {
                    prefix = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    last = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ticket_counters", x => x.prefix);
                });

            migrationBuilder.CreateTable(
                name: "ticket_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ticket_number = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    text = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ticket_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "tickets",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    number = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    title = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    requester = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    assignment_group = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    assignee = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    parent_number = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    service_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    catalog_item_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    instance_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    priority = table.Column<int>(type: "integer", nullable: true),
                    impact = table.Column<int>(type: "integer", nullable: true),
                    urgency = table.Column<int>(type: "integer", nullable: true),
                    change_type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    risk = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    planned_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    planned_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    details = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revision = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tickets", x => x.id);
                });

            migrationBuilder.InsertData(
                table: "ticket_counters",
                columns: new[] { "prefix", "last" },
                values: new object[,]
                {
                    { "CHG", 1000L },
                    { "INC", 1000L },
                    { "REQ", 1000L },
                    { "TASK", 1000L }
                });

            migrationBuilder.CreateIndex(
                name: "ix_blackout_windows_start",
                table: "blackout_windows",
                column: "start");

            migrationBuilder.CreateIndex(
                name: "ix_ticket_events_ticket_number_id",
                table: "ticket_events",
                columns: new[] { "ticket_number", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tickets_assignment_group",
                table: "tickets",
                column: "assignment_group");

            migrationBuilder.CreateIndex(
                name: "ix_tickets_kind_planned_start",
                table: "tickets",
                columns: new[] { "kind", "planned_start" });

            migrationBuilder.CreateIndex(
                name: "ix_tickets_kind_status",
                table: "tickets",
                columns: new[] { "kind", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_tickets_number",
                table: "tickets",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_tickets_parent_number",
                table: "tickets",
                column: "parent_number");

            migrationBuilder.CreateIndex(
                name: "ix_tickets_requester",
                table: "tickets",
                column: "requester");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "blackout_windows");

            migrationBuilder.DropTable(
                name: "catalog_items");

            migrationBuilder.DropTable(
                name: "services");

            migrationBuilder.DropTable(
                name: "settings");

            migrationBuilder.DropTable(
                name: "sla_definitions");

            migrationBuilder.DropTable(
                name: "ticket_counters");

            migrationBuilder.DropTable(
                name: "ticket_events");

            migrationBuilder.DropTable(
                name: "tickets");
        }
    }
}
