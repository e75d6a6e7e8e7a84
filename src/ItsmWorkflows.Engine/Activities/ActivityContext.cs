using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Execution.Effects;
using ItsmWorkflows.Engine.Expressions;
using ItsmWorkflows.Engine.Planning;

namespace ItsmWorkflows.Engine.Activities;

/// <summary>What an activity sees while it runs: its inputs, the variables in scope, the instance, time, and ways to ask for effects.</summary>
public sealed class ActivityContext : IExpressionScope
{
    private readonly Burst _burst;

    internal ActivityContext(Burst burst, ActivityFrame frame, PlanNode node)
    {
        _burst = burst;
        Frame = frame;
        Node = node;
    }

    public ActivityFrame Frame { get; }

    public PlanNode Node { get; }

    public string ActivityId => Node.Id;

    public WorkflowState Instance => _burst.State;

    public DateTimeOffset Now => _burst.Now;

    public WorkflowServices Services => _burst.Services;

    /// <summary>The ticket as it stands, when one of this activity's scripts calls currentTicket() (see <see cref="IExpressionScope.CurrentTicket"/>).</summary>
    public JsonObject? CurrentTicket { get; internal set; }

    public TimeZoneInfo TimeZone => _burst.Services.TimeZone;

    public CancellationToken CancellationToken => _burst.CancellationToken;

    /// <summary>True when this activity is the trigger that started the instance: it completes at once with <see cref="TriggerPayload"/>.</summary>
    public bool IsTriggeredStart => Frame.IsTriggerOfInstance;

    public JsonNode? TriggerPayload => _burst.TriggerPayload;

    /// <summary>The path of the activity that triggered this run, for containers that must start there.</summary>
    internal string? TriggerPath => _burst.TriggerPath;

    public List<string>? ScriptOutcomes { get; set; }

    // ----- inputs -----

    public bool HasInput(string name) => Node.Inputs.TryGetValue(name, out var input) && input.HasValue;

    public JsonNode? Get(string name) =>
        Node.Inputs.TryGetValue(name, out var input) ? input.Evaluate(this) : null;

    public string? GetString(string name) => ValueConverter.ToText(Get(name));

    public bool GetBool(string name) => ValueConverter.ToBool(Get(name));

    public long GetLong(string name) => ValueConverter.ToLong(Get(name));

    public TimeSpan GetTimeSpan(string name) => Wrap(name, () => ValueConverter.ToTimeSpan(Get(name)));

    public DateTimeOffset GetDateTime(string name) => Wrap(name, () => ValueConverter.ToDateTimeOffset(Get(name)));

    public IReadOnlyList<string> GetStringList(string name) => ValueConverter.ToStringList(Get(name));

    public JsonArray GetArray(string name) => ValueConverter.ToArray(Get(name));

    private static T Wrap<T>(string name, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (FormatException ex)
        {
            throw new ExpressionEvaluationException($"Input '{name}': {ex.Message}", ex);
        }
    }

    // ----- outputs -----

    /// <summary>Records an output: kept as the activity's last output and written to the variable or workflow output it is bound to.</summary>
    public void SetOutput(string name, JsonNode? value)
    {
        if (!Instance.ActivityOutputs.TryGetValue(Node.Id, out var outputs))
        {
            Instance.ActivityOutputs[Node.Id] = outputs = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
        }
        outputs[name] = value;
        if (Node.Outputs.TryGetValue(name, out var target))
        {
            if (target.IsWorkflowOutput) _burst.SetWorkflowOutput(OuterScopeStart(), target.Name, value);
            else _burst.SetVariable(OuterScopeStart(), target.Name, value);
        }
    }

    // ----- variables, inputs, outputs of the workflow -----

    public bool TryGetVariable(string name, out JsonNode? value) => _burst.TryGetVariable(Frame, name, out value);

    public void SetVariable(string name, JsonNode? value) => _burst.SetVariable(Frame, name, value);

    public JsonNode? GetInput(string name) => Inputs.GetValueOrDefault(name);

    public IReadOnlyDictionary<string, JsonNode?> Inputs => _burst.ScopeInputs(Frame);

    public IEnumerable<KeyValuePair<string, JsonNode?>> VisibleVariables => _burst.VisibleVariables(Frame);

    public void SetWorkflowOutput(string name, JsonNode? value) => _burst.SetWorkflowOutput(Frame, name, value);

    public JsonNode? GetActivityOutput(string activity, string output)
    {
        var id = Node.Owner.ActivityIdsByName.GetValueOrDefault(activity) ?? activity;
        return Instance.ActivityOutputs.TryGetValue(id, out var outputs) ? outputs.GetValueOrDefault(output) : null;
    }

    /// <summary>Makes this frame the scope of a definition used as an activity: its own variables and inputs, invisible to the parent.</summary>
    public void BeginWorkflowScope(DefinitionPlan child, Dictionary<string, JsonNode?> inputs)
    {
        ArgumentNullException.ThrowIfNull(child);
        Frame.IsWorkflowScope = true;
        Frame.ScopeInput = inputs;
        Frame.ScopeOutput = new Dictionary<string, JsonNode?>(StringComparer.OrdinalIgnoreCase);
        Frame.Variables = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var v in child.Variables) Frame.Variables[v.Name] = v.InitialValue?.DeepClone();
    }

    // ----- bookmarks, effects, state -----

    public Bookmark CreateBookmark(string stimulus, JsonObject? payload = null, DateTimeOffset? dueAt = null) => new()
    {
        Id = Services.NewId(),
        FrameId = Frame.Id,
        ActivityId = Node.Id,
        Name = Node.Type,
        StimulusHash = StimulusHash.Compute(Node.Type, stimulus),
        Payload = payload,
        DueAt = dueAt,
        CreatedAt = Now,
    };

    public void AddEffect(WorkflowEffect effect) => _burst.Result.Effects.Add(effect);

    public string NewId() => Services.NewId();

    public T GetState<T>() where T : FrameState, new() => Frame.State as T ?? (T)(Frame.State = new T());

    /// <summary>Cancels every child frame of this activity (a wait-any fork once one branch is done).</summary>
    public void CancelChildren() => _burst.CancelDescendants(Frame);

    public PlanNode? Slot(string name) => Node.Slots.GetValueOrDefault(name);

    /// <summary>The frame of the enclosing workflow scope's outer side: where a scope activity's own outputs land.</summary>
    private ActivityFrame OuterScopeStart() =>
        Frame.IsWorkflowScope && Frame.ParentId is not null ? _burst.State.Frames[Frame.ParentId] : Frame;
}
