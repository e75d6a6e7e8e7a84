using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Validation;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

public sealed class WorkflowValidatorTests
{
    private static async Task<ValidationResult> ValidateAsync(string json)
    {
        var validator = new WorkflowValidator(ActivityRegistry.CreateDefault());
        return await validator.ValidateAsync(WorkflowDefinitionJson.Parse(json), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Validate_ValidFlowchart_HasNoIssues()
    {
        var result = await ValidateAsync(Flowchart(
            Activity("Start1", "Elsa.Start") + "," + Activity("Write1", "Elsa.WriteLine", Literal("text", "hi")),
            Connect("Start1", "Write1")));
        Assert.True(result.IsValid, string.Join("; ", result.Issues));
        Assert.Empty(result.Issues);
    }

    [Fact]
    public async Task Validate_AFixedChoiceThatIsNoneOfTheChoices_IsAnError_NamingThem()
    {
        // A typo in a notification's template name published and faulted every new ticket at its first step.
        var result = await ValidateAsync(Flowchart(string.Join(",",
            Activity("Tell", "Itsm.NotifyRequester", string.Join(",", Literal("requester", "ann"), Literal("template", "incident-opend"))),
            Activity("Ask", "Itsm.RequestApproval", string.Join(",", Literal("approvers", "carol"), Literal("title", "t"), Literal("rule", "Majority"))),
            Activity("Fine", "Itsm.NotifyRequester", string.Join(",", Literal("requester", "ann"), Literal("template", "Incident-Opened"))),
            Activity("Spaced", "Itsm.NotifyRequester", string.Join(",", Literal("requester", "ann"), Literal("template", "incident-opened "))),
            Activity("Computed", "Itsm.NotifyRequester", string.Join(",", Literal("requester", "ann"), Js("template", "'incident-' + 'whatever'"))))));

        Assert.Equal(["Ask:rule", "Spaced:template", "Tell:template"], result.Errors.Select(e => $"{e.ActivityId}:{e.Field}").Order());
        var typo = result.Errors.Single(e => e.ActivityId == "Tell").Message;
        Assert.Contains("'incident-opend' is not a template it knows; use one of:", typo, StringComparison.Ordinal);
        Assert.Contains("incident-opened", typo, StringComparison.Ordinal);
        Assert.Contains("use one of: Any, All, AtLeast, Percent", result.Errors.Single(e => e.ActivityId == "Ask").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_UnknownActivityType_IsKeptAndNamed()
    {
        var definition = WorkflowDefinitionJson.Parse(Flowchart(Activity("Mystery1", "Acme.DoMagic", "\"spell\": 42")));
        var result = await new WorkflowValidator(ActivityRegistry.CreateDefault()).ValidateAsync(definition, TestContext.Current.CancellationToken);
        var error = Assert.Single(result.Errors);
        Assert.Equal("Mystery1", error.ActivityId);
        Assert.Contains("Acme.DoMagic", error.Message);
        Assert.Contains("cannot be published", error.Message);
        // The placeholder keeps the unknown activity's properties for editing.
        Assert.Equal(42, definition.Root.Activities![0].Properties["spell"]!.GetValue<int>());
    }

    [Fact]
    public async Task Validate_DuplicateIds_AreReported()
    {
        var result = await ValidateAsync(Flowchart(Activity("A", "Elsa.WriteLine") + "," + Activity("A", "Elsa.WriteLine")));
        Assert.Contains(result.Errors, e => e.ActivityId == "A" && e.Message.Contains("more than once"));
    }

    [Fact]
    public async Task Validate_DanglingConnection_NamesTheMissingActivity()
    {
        var result = await ValidateAsync(Flowchart(Activity("A", "Elsa.WriteLine"), Connect("A", "Ghost")));
        Assert.Contains(result.Errors, e => e.Message.Contains("'Ghost'") && e.Message.Contains("not in flowchart"));
    }

    [Fact]
    public async Task Validate_UnknownPort_ListsTheExistingOutcomes()
    {
        var result = await ValidateAsync(Flowchart(
            Activity("D", "Elsa.FlowDecision", Js("condition", "true", "Boolean")) + "," + Activity("W", "Elsa.WriteLine"),
            Connect("D", "W", "Maybe")));
        var error = Assert.Single(result.Errors);
        Assert.Contains("no outcome 'Maybe'", error.Message);
        Assert.Contains("True, False", error.Message);
    }

    [Fact]
    public async Task Validate_ForkBranchPorts_ComeFromTheBranchesInput()
    {
        var fork = Activity("F", "Elsa.FlowFork", "\"branches\": { \"typeName\": \"String[]\", \"expression\": { \"type\": \"Object\", \"value\": \"[\\\"Left\\\",\\\"Right\\\"]\" } }");
        var ok = await ValidateAsync(Flowchart(fork + "," + Activity("W", "Elsa.WriteLine"), Connect("F", "W", "Left")));
        Assert.True(ok.IsValid, string.Join("; ", ok.Issues));
        var bad = await ValidateAsync(Flowchart(fork + "," + Activity("W", "Elsa.WriteLine"), Connect("F", "W", "Middle")));
        Assert.Contains(bad.Errors, e => e.Message.Contains("'Middle'") && e.Message.Contains("Left, Right"));
    }

    [Fact]
    public async Task Validate_UnreachableActivity_IsAWarning()
    {
        var result = await ValidateAsync(Flowchart(
            Activity("Start1", "Elsa.Start") + "," + Activity("A", "Elsa.WriteLine") + "," + Activity("B", "Elsa.WriteLine") + "," + Activity("C", "Elsa.WriteLine"),
            Connect("Start1", "A") + "," + Connect("B", "C") + "," + Connect("C", "B")));
        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.ActivityId == "B" && w.Message.Contains("can never run"));
        Assert.Contains(result.Warnings, w => w.ActivityId == "C");
    }

    [Fact]
    public async Task Validate_MissingRequiredInput_NamesActivityAndField()
    {
        var result = await ValidateAsync(Flowchart(Activity("Delay1", "Elsa.Delay")));
        var error = Assert.Single(result.Errors);
        Assert.Equal("Delay1", error.ActivityId);
        Assert.Equal("timeSpan", error.Field);
        Assert.Contains("needs a value for 'Duration'", error.Message);
    }

    [Theory]
    [InlineData("JavaScript", "return (", "JavaScript does not parse")]
    [InlineData("Liquid", "{% if %}", "Liquid template does not parse")]
    [InlineData("CSharp", "return 1;", "C# expressions are not supported")]
    [InlineData("Python", "1", "Python expressions are not supported")]
    [InlineData("Cobol", "1", "Unknown expression type 'Cobol'")]
    public async Task Validate_BadOrUnsupportedExpression_SaysWhy(string syntax, string source, string expected)
    {
        var result = await ValidateAsync(Flowchart(Activity("W1", "Elsa.WriteLine", Input("text", syntax, source, "String"))));
        var error = Assert.Single(result.Errors);
        Assert.Equal("W1", error.ActivityId);
        Assert.Equal("text", error.Field);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Validate_BadCron_IsAnErrorBeforePublishing()
    {
        var result = await ValidateAsync(Flowchart(Activity("Cron1", "Elsa.Cron", Literal("cronExpression", "BadCronExpression"))));
        var error = Assert.Single(result.Errors);
        Assert.Contains("cron expression 'BadCronExpression' is not valid", error.Message);
    }

    [Fact]
    public async Task Validate_NoWayToStart_IsReported()
    {
        var result = await ValidateAsync(Flowchart(
            Activity("A", "Elsa.WriteLine") + "," + Activity("B", "Elsa.WriteLine"),
            Connect("A", "B") + "," + Connect("B", "A")));
        Assert.Contains(result.Errors, e => e.Message.Contains("no way to start"));
    }

    [Fact]
    public async Task Validate_EmptyWorkflow_IsReported()
    {
        var result = await ValidateAsync(Flowchart(""));
        Assert.Contains(result.Errors, e => e.Message.Contains("no activities"));
    }

    [Fact]
    public async Task Validate_DuplicateVariableNames_AreReported()
    {
        var variables = """{ "id": "v1", "name": "Count", "typeName": "Int32", "value": "0" }, { "id": "v2", "name": "Count", "typeName": "Int32", "value": "1" }""";
        var result = await ValidateAsync(Flowchart(Activity("W", "Elsa.WriteLine"), variables: variables));
        Assert.Contains(result.Errors, e => e.Message.Contains("'Count' is declared 2 times"));
    }

    [Fact]
    public async Task Validate_BadVariableInitialValue_IsReported()
    {
        var variables = """{ "id": "v1", "name": "Count", "typeName": "Int32", "value": "many" }""";
        var result = await ValidateAsync(Flowchart(Activity("W", "Elsa.WriteLine"), variables: variables));
        Assert.Contains(result.Errors, e => e.Message.Contains("Variable 'Count'") && e.Message.Contains("not a whole number"));
    }

    [Fact]
    public void Parse_NotJson_GivesAClearError()
    {
        var ex = Assert.Throws<DefinitionFormatException>(() => WorkflowDefinitionJson.Parse("{ this is not json"));
        Assert.StartsWith("The file is not valid JSON", ex.Message);
    }

    [Fact]
    public void Parse_JsonWithoutRoot_GivesAClearError()
    {
        var ex = Assert.Throws<DefinitionFormatException>(() => WorkflowDefinitionJson.Parse("""{ "name": "x" }"""));
        Assert.Contains("no \"root\" activity", ex.Message);
    }
}
