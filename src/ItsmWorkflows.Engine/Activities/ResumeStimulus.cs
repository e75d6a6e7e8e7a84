using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;

namespace ItsmWorkflows.Engine.Activities;

/// <summary>What resumed a bookmark: the bookmark and the payload that came with the stimulus (event payload, task result, child output).</summary>
public sealed record ResumeStimulus(Bookmark Bookmark, JsonNode? Payload);
