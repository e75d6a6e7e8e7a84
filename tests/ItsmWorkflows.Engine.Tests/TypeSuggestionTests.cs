using ItsmWorkflows.Engine.Planning;
using Xunit;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>The known type an unknown activity type was probably meant to be, named in the validation issue.</summary>
public sealed class TypeSuggestionTests
{
    private static readonly string[] Known = ["Itsm.NotifyRequester", "Itsm.SendEmail", "Elsa.SendEmail", "Elsa.SetVariable", "Itsm.SetStatus", "Elsa.Delay"];

    [Theory]
    [InlineData("Itsm.NotifyRequestr", "Itsm.NotifyRequester")] // a typo
    [InlineData("itsm.setstatus", "Itsm.SetStatus")] // case
    [InlineData("Acme.Delay", "Elsa.Delay")] // the right name under another prefix
    [InlineData("Elsa.SetVarible", "Elsa.SetVariable")]
    public void ATypo_OrAnotherPrefix_SuggestsTheKnownType(string unknown, string expected) =>
        Assert.Equal(expected, TypeSuggestion.Closest(unknown, Known));

    [Theory]
    [InlineData("Acme.Magic")] // nothing near
    [InlineData("SendEmail")] // two known types share the name: no guess
    [InlineData("Isa.SendEmail")] // as near to Itsm.SendEmail as to Elsa.SendEmail: no guess
    public void NothingCloseEnough_OrTwoEquallyLikely_SuggestsNothing(string unknown) =>
        Assert.Null(TypeSuggestion.Closest(unknown, Known));

    [Fact]
    public async Task TheValidationIssue_NamesTheSuggestion()
    {
        var h = new EngineHarness();
        var definition = h.Load(EngineHarness.Flowchart("""{ "id": "Tell", "type": "Itsm.NotifyRequestr" }""", ""));

        var issues = (await new Validation.WorkflowValidator(h.Registry).ValidateAsync(definition, TestContext.Current.CancellationToken)).Issues;

        Assert.Contains(issues, i => i.Message.Contains("has type 'Itsm.NotifyRequestr', which ItsmWorkflows does not know. Did you mean 'Itsm.NotifyRequester'?", StringComparison.Ordinal));
    }
}
