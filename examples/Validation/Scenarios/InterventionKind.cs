namespace Validation.Scenarios;

/// <summary>What happens to the optimizer from the onset step on.</summary>
internal enum InterventionKind
{
    /// <summary>The learning rate is set to a value (a cut to 1e-7: a stall).</summary>
    SetRate,

    /// <summary>The learning rate is multiplied by a factor (×100: a divergence).</summary>
    ScaleRate,

    /// <summary>
    /// <c>optimizer.step()</c> is no longer called: every layer is frozen while the parameters stay trainable, so the
    /// monitor can still probe them. The learning rate reported to the monitor is unchanged, as a silently broken loop would report it.
    /// </summary>
    StopStepping,
}
