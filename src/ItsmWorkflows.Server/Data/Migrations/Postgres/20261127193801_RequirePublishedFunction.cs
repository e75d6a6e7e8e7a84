using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ItsmWorkflows.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class RequirePublishedFunction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A start that took its version from a node's cache runs this first in its insert batch: if another
            // node has published a newer version meanwhile, the batch stops and nothing of the start is saved.
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION itsm_require_published(version_id text) RETURNS void
                LANGUAGE plpgsql STABLE AS $$
                BEGIN
                    IF NOT EXISTS (SELECT 1 FROM workflow_definitions WHERE id = version_id AND state = 'Published') THEN
                        RAISE EXCEPTION 'definition version % is no longer the published one', version_id USING ERRCODE = 'IT001';
                    END IF;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS itsm_require_published(text);");
        }
    }
}
