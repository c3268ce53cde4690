namespace Validation.Scenarios;

/// <summary>The plain rules on the held-out loss the monitor is compared with.</summary>
internal enum BaselineKind
{
    /// <summary>Best held-out loss improved by less than 1 % over the last 3 probes.</summary>
    Plateau,

    /// <summary>Held-out loss non-finite or above 3 × the best so far.</summary>
    Divergence,
}
