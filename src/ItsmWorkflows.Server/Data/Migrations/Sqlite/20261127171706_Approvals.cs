using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Sqlite
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
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    approval_id = table.Column<string>(type: "TEXT", nullable: false),
                    instance_id = table.Column<string>(type: "TEXT", nullable: false),
                    actor = table.Column<string>(type: "TEXT", nullable: false),
                    on_behalf_of = table.Column<string>(type: "TEXT", nullable: true),
                    decision = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    comment = table.Column<string>(type: "TEXT", nullable: true),
                    content_hash = table.Column<string>(type: "TEXT", nullable: false),
                    definition_id = table.Column<string>(type: "TEXT", nullable: false),
                    definition_version = table.Column<int>(type: "INTEGER", nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ip_address = table.Column<string>(type: "TEXT", nullable: true),
                    user_agent = table.Column<string>(type: "TEXT", nullable: true),
                    at = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_approval_audit", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "approvals",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    instance_id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    definition_id = table.Column<string>(type: "TEXT", nullable: false),
                    definition_version = table.Column<int>(type: "INTEGER", nullable: false),
                    activity_id = table.Column<string>(type: "TEXT", nullable: false),
                    title = table.Column<string>(type: "TEXT", nullable: false),
                    details = table.Column<string>(type: "TEXT", nullable: true),
                    requester = table.Column<string>(type: "TEXT", nullable: true),
                    content_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    rule = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    due_at = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_approvals", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "approval_tokens",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", nullable: false),
                    approval_id = table.Column<string>(type: "TEXT", nullable: false),
                    approver = table.Column<string>(type: "TEXT", nullable: false),
                    approver_name = table.Column<string>(type: "TEXT", nullable: true),
                    email = table.Column<string>(type: "TEXT", nullable: true),
                    on_behalf_of = table.Column<string>(type: "TEXT", nullable: true),
                    token_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    content_hash = table.Column<string>(type: "TEXT", nullable: false),
                    created_at = table.Column<long>(type: "INTEGER", nullable: false),
                    expires_at = table.Column<long>(type: "INTEGER", nullable: false),
                    emailed_at = table.Column<long>(type: "INTEGER", nullable: true),
                    email_error = table.Column<string>(type: "TEXT", nullable: true),
                    used_at = table.Column<long>(type: "INTEGER", nullable: true)
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
            migrationBuilder.Sql("CREATE TRIGGER approval_audit_no_update BEFORE UPDATE ON approval_audit BEGIN SELECT RAISE(ABORT, 'approval_audit is append-only'); END;");
            migrationBuilder.Sql("CREATE TRIGGER approval_audit_no_delete BEFORE DELETE ON approval_audit BEGIN SELECT RAISE(ABORT, 'approval_audit is append-only'); END;");

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
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS approval_audit_no_update; DROP TRIGGER IF EXISTS approval_audit_no_delete;");
            migrationBuilder.DropTable(
                name: "approval_audit");

            migrationBuilder.DropTable(
                name: "approval_tokens");

            migrationBuilder.DropTable(
                name: "approvals");
        }
    }
}
