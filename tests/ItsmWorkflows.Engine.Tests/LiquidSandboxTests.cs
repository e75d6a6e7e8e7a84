using ItsmWorkflows.Engine.Activities;
using ItsmWorkflows.Engine.Definitions;
using ItsmWorkflows.Engine.Execution;
using ItsmWorkflows.Engine.Expressions;
using ItsmWorkflows.Engine.Validation;
using Xunit;
using static ItsmWorkflows.Engine.Tests.EngineHarness;

namespace ItsmWorkflows.Engine.Tests;

/// <summary>Templates that would overflow the stack or exhaust memory are refused with a message a process owner can act on.</summary>
public sealed class LiquidSandboxTests
{
    private static string Repeat(string text, int count) => string.Concat(Enumerable.Repeat(text, count));

    private static ExpressionCompileException CompileFails(string template) =>
        Assert.Throws<ExpressionCompileException>(() => ExpressionCompiler.Compile(new ExpressionModel("Liquid", template), "String", new ScriptHelperCatalog()));

    [Fact]
    public async Task Validate_ThousandNestedIfs_IsAValidationErrorNotACrash()
    {
        var definition = WorkflowDefinitionJson.Parse(Flowchart(Activity("W1", "Elsa.WriteLine", Input("text", "Liquid", Repeat("{% if a %}", 1000), "String"))));

        var result = await new WorkflowValidator(ActivityRegistry.CreateDefault()).ValidateAsync(definition, TestContext.Current.CancellationToken);

        var error = Assert.Single(result.Errors);
        Assert.Equal("W1", error.ActivityId);
        Assert.Contains("nests blocks 1,000 deep; at most 100 are allowed", error.Message);
    }

    [Theory]
    [InlineData("{%- if a -%}")]
    [InlineData("{% for i in (1..2) %}")]
    [InlineData("{%   unless a %}")]
    [InlineData("{% capture x %}")]
    [InlineData("{% case a %}{% when 1 %}")]
    public void Parse_DeepBlocksWithAnyOpeningTag_Refused(string open)
    {
        var ex = CompileFails(Repeat(open, 101));

        Assert.Contains("nests blocks 101 deep", ex.Message);
    }

    [Fact]
    public void Parse_TagsInsideRawOrComment_DoNotCountAsNesting()
    {
        var body = Repeat("{% if a %}", 500);

        var raw = LiquidRuntime.Parse("{% raw %}" + body + "{%- endraw -%}");
        var comment = LiquidRuntime.Parse("{% comment %}" + body + "{% endcomment %}");

        Assert.NotNull(raw);
        Assert.NotNull(comment);
    }

    [Fact]
    public void Parse_ClosedBlocksSideBySide_AreNotNesting()
    {
        var template = Repeat("{% if true %}x{% endif %}", 500);

        Assert.NotNull(LiquidRuntime.Parse(template));
    }

    [Fact]
    public void Parse_DeepBrackets_Refused()
    {
        var ex = CompileFails("{{ " + Repeat("a[", 2000) + "1" + new string(']', 2000) + " }}");

        Assert.Contains("nests brackets 2,000 deep", ex.Message);
    }

    [Theory]
    [InlineData(" | plus: 1")]
    [InlineData(" | append: 'x'")]
    public void Parse_LongFilterChain_RefusedBecauseRenderingRecurses(string filter)
    {
        var ex = CompileFails("{{ 1" + Repeat(filter, 2000) + " }}");

        Assert.Contains("at most 256 are allowed", ex.Message);
    }

    [Fact]
    public void Parse_LongAndChain_RefusedBecauseRenderingRecurses()
    {
        var ex = CompileFails("{% if a" + Repeat(" and a", 2000) + " %}x{% endif %}");

        Assert.Contains("nested", ex.Message);
        Assert.Contains("at most 256 are allowed", ex.Message);
    }

    [Fact]
    public void Parse_TooLong_Refused()
    {
        var ex = CompileFails(new string('x', 100_001));

        Assert.Contains("100,001 characters long; at most 100,000", ex.Message);
    }

    [Fact]
    public void Parse_SyntaxError_MessageDoesNotRepeatTheWholeTemplate()
    {
        var ex = CompileFails("{% if %}" + new string('x', 5000));

        Assert.StartsWith("Liquid template does not parse", ex.Message);
        Assert.True(ex.Message.Length < 500, ex.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<(EngineHarness Harness, WorkflowState State)> RenderAsync(string template)
    {
        var harness = new EngineHarness();
        var state = await harness.StartAsync(Flowchart(Activity("W1", "Elsa.WriteLine", Input("text", "Liquid", template, "String"))));
        return (harness, state);
    }

    [Theory]
    [InlineData("{% assign s = 'x' %}{% for i in (1..25) %}{% assign s = s | append: s %}{% endfor %}{{ s.size }}", "'append' filter would produce more than 1,000,000 characters")]
    [InlineData("{% assign s = 'x' %}{% for i in (1..25) %}{% assign s = s | prepend: s %}{% endfor %}{{ s.size }}", "'prepend' filter")]
    [InlineData("{% assign s = 'xx' %}{% for i in (1..25) %}{% assign s = s | replace: 'x', 'xx' %}{% endfor %}{{ s.size }}", "'replace' filter")]
    [InlineData("{% assign s = 'x' %}{% for i in (1..25) %}{% assign a = s | split: '' %}{% assign s = a | join: s %}{% assign s = s | append: s %}{% endfor %}", "filter would produce more than")]
    [InlineData("{% assign a = 'x' | split: ',' %}{% for i in (1..25) %}{% assign a = a | concat: a %}{% endfor %}{{ a.size }}", "'concat' filter would produce more than 100,000 items")]
    [InlineData("{% assign s = '\"' %}{% for i in (1..17) %}{% assign s = s | append: s %}{% endfor %}{% for i in (1..4) %}{% assign s = s | escape %}{% endfor %}{{ s.size }}", "'escape' filter would produce more than")]
    [InlineData("{% assign s = '%' %}{% for i in (1..17) %}{% assign s = s | append: s %}{% endfor %}{% for i in (1..4) %}{% assign s = s | url_encode %}{% endfor %}{{ s.size }}", "'url_encode' filter would produce more than")]
    [InlineData("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..14) %}{% assign s = s | append: s %}{% endfor %}{% assign a = s | split: ',' %}{% for i in (1..7) %}{% assign a = a | concat: a %}{% endfor %}{{ a | json | size }}", "'json' filter would produce more than")]
    [InlineData("{% assign s = 'x' %}{% for i in (1..25) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}{{ s.size }}", "output passed 1,000,000 characters")]
    [InlineData("{% for i in (1..2000) %}{{ 'x' | append: 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy' | append: 'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy' }}{% endfor %}", "output passed 1,000,000 characters")]
    public async Task Render_GrowingPastTheLimit_FaultsWithClearMessage(string template, string expected)
    {
        var (h, state) = await RenderAsync(template);

        var incident = Assert.Single(state.Incidents);
        Assert.Equal("W1", incident.ActivityId);
        Assert.Contains("Liquid template failed", incident.Message);
        Assert.Contains(expected, incident.Message);
        Assert.Empty(h.Output.Lines);
    }

    [Fact]
    public async Task Render_GuardedFiltersAndCapture_WorkAsBefore()
    {
        var (h, state) = await RenderAsync("{% capture c %}<{{ 'a' | append: 'b' | prepend: '-' }}>{% endcapture %}{{ c }}|{{ 'aXa' | replace: 'a', 'yy' | replace_first: 'X', '' }}|{{ 'a,b' | split: ',' | concat: (1..2) | join: '+' }}");

        Assert.Empty(state.Incidents);
        Assert.Equal(["<-ab>|yyyy|a+b+1+2"], h.Output.Lines);
    }

    [Theory]
    // The reviewer's: each replace works on a million characters, 30,000 times; it ran 45 s.
    [InlineData("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}{% for i in (1..30000) %}{% assign t = s | replace: 'x', 'y' | size %}{% endfor %}{{ t }}")]
    // The same without assigning: a filter in output, each output small.
    [InlineData("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}{% for i in (1..30000) %}{{ s | upcase | size | modulo: 1 }}{% endfor %}")]
    // The reviewer's second: comparisons inside one if, which Fluid counts as one step (it ran 23.6 s).
    [InlineData("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}{% for i in (1..30000) %}{% if s contains 'zz' or s contains 'zy' or s contains 'zx' or s contains 'zw' or s contains 'zv' or s contains 'zu' or s contains 'zt' or s contains 'zs' %}{% endif %}{% endfor %}")]
    // A case compares with every when without an operator or a filter: each option the same length as the value and
    // different only at its end (about 12 s untimed).
    [InlineData("{% assign s = 'xxxxxxxxxx' %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}{% assign t = s | append: 'y' %}{% assign s = s | append: 'z' %}{% for i in (1..30000) %}{% case s %}{% when t, t, t, t, t, t, t, t %}matched{% endcase %}{% endfor %}")]
    public async Task Render_LongerThanItsTimeLimit_StopsWithClearMessage(string template)
    {
        var (h, state) = await RenderAsync(template);

        Assert.Contains("ran longer than 2 s, the most a template may take", Assert.Single(state.Incidents).Message, StringComparison.Ordinal);
        Assert.Empty(h.Output.Lines);
    }
}
