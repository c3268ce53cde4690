namespace Validation.Scenarios;

/// <summary>What the harness's own loss curve says about a scenario's claimed ground truth.</summary>
internal sealed record GroundTruthFinding(ScenarioGroup Group, bool Holds, string Evidence)
{
    public override string ToString() => $"{(Holds ? "ok" : "WARNING")} {Group.ToString().ToLowerInvariant()}: {Evidence}";
}
