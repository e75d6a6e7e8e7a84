using System.Text.Json.Serialization;

namespace ItsmWorkflows.Engine.Execution;

/// <summary>The persisted progress of a container activity. Discriminators are short names, never CLR type names.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$kind")]
[JsonDerivedType(typeof(FlowchartState), "flowchart")]
[JsonDerivedType(typeof(CounterState), "counter")]
[JsonDerivedType(typeof(JsonFrameState), "json")]
public abstract class FrameState
{
}
