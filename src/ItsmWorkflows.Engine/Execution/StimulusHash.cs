using System.Security.Cryptography;
using System.Text;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>The lookup key of a bookmark or trigger: SHA-256 over the activity type and the stimulus (event name, task id, route …).</summary>
public static class StimulusHash
{
    public static string Compute(string activityType, string stimulus)
    {
        ArgumentNullException.ThrowIfNull(activityType);
        ArgumentNullException.ThrowIfNull(stimulus);
        var bytes = Encoding.UTF8.GetBytes(activityType + "\n" + stimulus);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }
}
