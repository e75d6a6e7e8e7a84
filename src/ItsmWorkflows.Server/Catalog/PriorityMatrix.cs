using System.Text.Json.Nodes;
using ItsmWorkflows.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Catalog;

/// <summary>
/// Impact × urgency → priority, as a setting that process owners can change. Impact and urgency run
/// 1 (high) … 3 (low); priority 1 (Critical) … 5 (Planning), the ITIL defaults unless configured.
/// </summary>
internal static class PriorityMatrix
{
    public const string Key = "priority-matrix";

    public static readonly string[] Names = ["Critical", "High", "Moderate", "Low", "Planning"];

    public static readonly int[][] Default = [[1, 2, 3], [2, 3, 4], [3, 4, 5]];

    public static async Task<int[][]> LoadAsync(ItsmDbContext db, CancellationToken cancellationToken)
    {
        var json = await db.Settings.AsNoTracking().Where(s => s.Key == Key).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
        return json is null ? Default : Parse(JsonNode.Parse(json));
    }

    public static int Priority(int[][] matrix, int impact, int urgency) => matrix[impact - 1][urgency - 1];

    public static string Name(int priority) => $"P{priority} {Names[Math.Clamp(priority, 1, 5) - 1]}";

    /// <summary>Reads { "matrix": [[1,2,3],[2,3,4],[3,4,5]] } (rows: impact 1..3, columns: urgency 1..3); throws FormatException with what is wrong.</summary>
    public static int[][] Parse(JsonNode? json)
    {
        if (json?["matrix"] is not JsonArray rows || rows.Count != 3) throw new FormatException("The matrix needs 3 rows (impact 1 high, 2 medium, 3 low), each with 3 priorities (urgency 1, 2, 3).");
        var matrix = new int[3][];
        for (var i = 0; i < 3; i++)
        {
            if (rows[i] is not JsonArray cells || cells.Count != 3) throw new FormatException($"Row {i + 1} (impact {i + 1}) needs 3 priorities, one per urgency.");
            matrix[i] = new int[3];
            for (var j = 0; j < 3; j++)
            {
                if (cells[j] is not JsonValue v || !v.TryGetValue<int>(out var p) || p is < 1 or > 5) throw new FormatException($"Impact {i + 1}, urgency {j + 1}: a priority is a whole number from 1 (Critical) to 5 (Planning).");
                matrix[i][j] = p;
            }
        }
        return matrix;
    }

    public static JsonObject ToJson(int[][] matrix) => new()
    {
        ["matrix"] = new JsonArray([.. matrix.Select(r => (JsonNode?)new JsonArray([.. r.Select(p => (JsonNode?)p)]))]),
        ["impact"] = new JsonArray("1 High", "2 Medium", "3 Low"),
        ["urgency"] = new JsonArray("1 High", "2 Medium", "3 Low"),
        ["priorities"] = new JsonArray([.. Enumerable.Range(1, 5).Select(p => (JsonNode?)Name(p))]),
    };
}
