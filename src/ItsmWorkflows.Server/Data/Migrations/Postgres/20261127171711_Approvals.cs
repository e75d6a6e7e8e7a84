using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Approvals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "approval_audit",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    approval_id = table.Column<string>(type: "text", nullable: false),
                    instance_id = table.Column<string>(type: "text", nullable: false),
                    actor = table.Column<string>(type: "text", nullable: false),
                    on_behalf_of = table.Column<string>(type: "text", nullable: true),
                    decision = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    comment = table.Column<string>(type: "text", nullable: true),
                    content_hash = table.Column<string>(type: "text", nullable: false),
                    definition_id = table.Column<string>(type: "text", nullable: false),
                    definition_version = table.Column<int>(type: "integer", nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ip_address = table.Column<string>(type: "text", nullable: true),
                    user_agent = table.Column<string>(type: "text", nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_approval_audit", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "approvals",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    instance_id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    definition_id = table.Column<string>(type: "text", nullable: false),
                    definition_version = table.Column<int>(type: "integer", nullable: false),
                    activity_id = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: false),
                    details = table.Column<string>(type: "text", nullable: true),
                    requester = table.Column<string>(type: "text", nullable: true),
                    content_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    rule = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_approvals", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "approval_tokens",
                columns: table => new
                {
                    id = table.Column<string>(type: "text", nullable: false),
                    approval_id = table.Column<string>(type: "character varying(64)", nullable: false),
                    approver = table.Column<string>(type: "text", nullable: false),
                    approver_name = table.Column<string>(type: "text", nullable: true),
                    email = table.Column<string>(type: "text", nullable: true),
                    on_behalf_of = table.Column<string>(type: "text", nullable: true),
                    token_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    content_hash = table.Column<string>(type: "text", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    emailed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    email_error = table.Column<string>(type: "text", nullable: true),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_approval_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_approval_tokens_approvals_approval_id",
                        column: x => x.approval_id,
                        principalTable: "approvals",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // The audit trail is append-only: the database itself refuses to change or remove a decision.
            migrationBuilder.Sql("""
                CREATE FUNCTION approval_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'approval_audit is append-only'; END $$;
                CREATE TRIGGER approval_audit_append_only BEFORE UPDATE OR DELETE ON approval_audit
                    FOR EACH ROW EXECUTE FUNCTION approval_audit_append_only();
                """);

            migrationBuilder.CreateIndex(
                name: "ix_approval_audit_approval_id",
                table: "approval_audit",
                column: "approval_id");

            migrationBuilder.CreateIndex(
                name: "ix_approval_tokens_approval_id_approver",
                table: "approval_tokens",
                columns: new[] { "approval_id", "approver" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_approval_tokens_approver",
                table: "approval_tokens",
                column: "approver");

            migrationBuilder.CreateIndex(
                name: "ix_approval_tokens_token_hash",
                table: "approval_tokens",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_approvals_instance_id",
                table: "approvals",
                column: "instance_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS approval_audit_append_only ON approval_audit; DROP FUNCTION IF EXISTS approval_audit_append_only();");
            migrationBuilder.DropTable(
                name: "approval_audit");

            migrationBuilder.DropTable(
                name: "approval_tokens");

            migrationBuilder.DropTable(
                name: "approvals");
        }
    }
}
