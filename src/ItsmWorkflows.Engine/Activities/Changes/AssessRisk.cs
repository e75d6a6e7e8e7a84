using System.Globalization;
using System.Text.Json.Nodes;
using ItsmWorkflows.Engine.Expressions;

namespace ItsmWorkflows.Engine.Activities.Changes;

/// <summary>
/// Assesses a change's risk twice, by rules on the change record and by the answers to a short questionnaire,
/// and takes the higher: "Low", "Moderate" or "High" (ServiceNow's levels), following the port of that name.
/// Each side adds points and maps them the same way: under 3 Low, 3 to 5 Moderate, 6 or more High.
/// Rules: a critical service affected +4, else a high-criticality one +3 (so it is never low risk); more than 2 services +2; a planned
/// window over 8 hours +2; no back-out plan +3; no test plan +2; no implementation plan +1; emergency +3;
/// impact 1 (high) +3, impact 2 +1.
/// Questionnaire: all users affected +4, many +3, some +1; not tested +3; rollback not tested +2; never done
/// before +2; downtime +2. An unanswered question adds nothing, so an empty questionnaire is Low.
/// </summary>
public sealed class AssessRisk : IActivity
{
    private const int ModerateFrom = 3;
    private const int HighFrom = 6;

    private static readonly string[] UserImpacts = ["none", "some", "many", "all"];

    public ActivityDescriptor Descriptor { get; } = new()
    {
        TypeName = "Itsm.AssessRisk",
        Category = "ITSM",
        DisplayName = "Assess risk",
        Description = "Rates a change Low, Moderate or High from rules on the change record and a short risk questionnaire; the higher wins.",
        Inputs =
        [
            new InputDescriptor("change", "Object", "json-editor")
            {
                DisplayName = "Change",
                IsRequired = true,
                Description = "The change record: type (standard, normal, emergency), affectedServices [{ id, name, criticality }], plannedStart, plannedEnd, backoutPlan, testPlan, implementationPlan, impact (1 high to 3 low).",
            },
            new InputDescriptor("questionnaire", "Object", "json-editor")
            {
                DisplayName = "Risk questionnaire",
                Description = "The answers, all optional: userImpact (none, some, many, all), tested, rollbackTested, doneBefore, downtime (true or false).",
            },
        ],
        Outputs =
        [
            new OutputDescriptor("risk", "String") { Description = "The risk: Low, Moderate or High, the higher of the rules and the questionnaire." },
            new OutputDescriptor("ruleRisk", "String") { DisplayName = "Rule risk", Description = "The risk the rules on the change record give." },
            new OutputDescriptor("questionnaireRisk", "String") { DisplayName = "Questionnaire risk", Description = "The risk the questionnaire answers give." },
            new OutputDescriptor("reasons", "String[]") { Description = "One sentence per rule or answer that raised the risk." },
            new OutputDescriptor("score", "Int32") { Description = "The points of the side that won (3 and up is Moderate, 6 and up High)." },
        ],
        Outcomes = [nameof(RiskLevel.Low), nameof(RiskLevel.Moderate), nameof(RiskLevel.High)],
    };

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var changeJson = context.Get("change");
        if (changeJson is null) return ValueTask.FromResult(ActivityResult.Fault("Assess risk needs the change: an object with its type, affected services, planned window and plans."));
        if (changeJson is not JsonObject changeObject) return ValueTask.FromResult(ActivityResult.Fault($"Assess risk: the change must be an object, not {changeJson.ToJsonString()}."));
        var questionnaire = context.Get("questionnaire");
        if (questionnaire is not (null or JsonObject)) return ValueTask.FromResult(ActivityResult.Fault($"Assess risk: the questionnaire must be an object of answers, not {questionnaire.ToJsonString()}."));

        List<string> reasons = [];
        int ruleScore, questionnaireScore;
        try
        {
            ruleScore = ScoreRules(ChangeRecord.FromJson(changeObject), reasons);
            questionnaireScore = questionnaire is JsonObject answers ? ScoreAnswers(answers, reasons) : 0;
        }
        catch (FormatException ex)
        {
            return ValueTask.FromResult(ActivityResult.Fault($"Assess risk: {ex.Message}"));
        }

        // Levels rise with points, so the level of the higher score is the higher of the two levels.
        var score = Math.Max(ruleScore, questionnaireScore);
        var risk = LevelOf(score);
        context.SetOutput("risk", risk.ToString());
        context.SetOutput("ruleRisk", LevelOf(ruleScore).ToString());
        context.SetOutput("questionnaireRisk", LevelOf(questionnaireScore).ToString());
        context.SetOutput("reasons", new JsonArray([.. reasons.Select(r => (JsonNode?)JsonValue.Create(r))]));
        context.SetOutput("score", score);
        return ValueTask.FromResult(ActivityResult.Outcome(risk.ToString()));
    }

    /// <summary>The questionnaire's level alone ("Low", "Moderate", "High") and why: a standard change must answer Low.</summary>
    public static (string Level, IReadOnlyList<string> Reasons) AssessAnswers(JsonObject answers)
    {
        List<string> reasons = [];
        var score = ScoreAnswers(answers, reasons);
        return (LevelOf(score).ToString(), reasons);
    }

    private static RiskLevel LevelOf(int score) => score >= HighFrom ? RiskLevel.High : score >= ModerateFrom ? RiskLevel.Moderate : RiskLevel.Low;

    private static int ScoreRules(ChangeRecord change, List<string> reasons)
    {
        var score = 0;
        void Raise(int points, string reason)
        {
            score += points;
            reasons.Add(reason);
        }

        var critical = change.AffectedServices.Where(s => s.Criticality == "critical").Select(s => s.Name).ToList();
        var high = change.AffectedServices.Where(s => s.Criticality == "high").Select(s => s.Name).ToList();
        if (critical.Count > 0) Raise(4, critical.Count == 1 ? $"Affects a critical service: {critical[0]}." : $"Affects critical services: {string.Join(", ", critical)}.");
        else if (high.Count > 0) Raise(3, high.Count == 1 ? $"Affects a high-criticality service: {high[0]}." : $"Affects high-criticality services: {string.Join(", ", high)}.");
        if (change.AffectedServices.Count > 2) Raise(2, $"Affects {change.AffectedServices.Count} services (more than 2).");
        if (change.Window is { } window && window > TimeSpan.FromHours(8))
        {
            Raise(2, $"The planned window is {window.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} hours (longer than 8).");
        }
        if (change.BackoutPlan is null) Raise(3, "There is no back-out plan.");
        if (change.TestPlan is null) Raise(2, "There is no test plan.");
        if (change.ImplementationPlan is null) Raise(1, "There is no implementation plan.");
        if (change.Type == "emergency") Raise(3, "It is an emergency change, with less time to review and test.");
        if (change.Impact == 1) Raise(3, "Its impact is high (1).");
        else if (change.Impact == 2) Raise(1, "Its impact is medium (2).");
        return score;
    }

    private static int ScoreAnswers(JsonObject answers, List<string> reasons)
    {
        var score = 0;
        void Raise(int points, string reason)
        {
            score += points;
            reasons.Add(reason);
        }

        if (ValueConverter.ToText(answers["userImpact"]) is { Length: > 0 } text)
        {
            var userImpact = text.Trim().ToLowerInvariant();
            if (!UserImpacts.Contains(userImpact)) throw new FormatException($"questionnaire userImpact '{text}' is not one of {string.Join(", ", UserImpacts)}.");
            if (userImpact == "all") Raise(4, "All users are affected.");
            else if (userImpact == "many") Raise(3, "Many users are affected.");
            else if (userImpact == "some") Raise(1, "Some users are affected.");
        }
        // Only an answer given counts: a question left blank is not taken as the risky answer.
        if (Answer(answers, "tested") == false) Raise(3, "The change has not been tested.");
        if (Answer(answers, "rollbackTested") == false) Raise(2, "The rollback has not been tested.");
        if (Answer(answers, "doneBefore") == false) Raise(2, "The change has not been done before.");
        if (Answer(answers, "downtime") == true) Raise(2, "The change needs downtime.");
        return score;
    }

    private static bool? Answer(JsonObject answers, string name) =>
        answers[name] is null || ValueConverter.ToText(answers[name]) is "" ? null : ValueConverter.ToBool(answers[name]);
}
