namespace TrainMonitor.Operators;

/// <summary>Options of <see cref="AutogradErrorOperator"/>.</summary>
public sealed class AutogradOperatorOptions
{
    /// <summary>
    /// The options used when none are given: a new instance with every default at each call, so that changing one
    /// changes nobody else's defaults (this was one shared, settable instance).
    /// </summary>
    public static AutogradOperatorOptions Default => new();

    /// <summary>How Jacobian-vector products are computed. Default <see cref="Operators.JvpMethod.DoubleBackward"/>.</summary>
    public JvpMethod JvpMethod { get; set; } = JvpMethod.DoubleBackward;

    /// <summary>
    /// Multiplier of the finite-difference step <c>h = scale · ε^(1/3) · (1 + ‖θ‖) / ‖w‖</c> (ε: machine epsilon of the
    /// parameters' dtype). Default 1, the central-difference optimum up to a constant. Only used with
    /// <see cref="Operators.JvpMethod.FiniteDifference"/>.
    /// </summary>
    public double FiniteDifferenceStepScale { get; set; } = 1.0;

    internal void Validate()
    {
        if (!Enum.IsDefined(JvpMethod))
        {
            throw new ArgumentOutOfRangeException(nameof(JvpMethod), JvpMethod, "Unknown JVP method.");
        }

        if (!double.IsFinite(FiniteDifferenceStepScale) || FiniteDifferenceStepScale <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FiniteDifferenceStepScale), FiniteDifferenceStepScale, "The finite-difference step scale must be positive and finite.");
        }
    }
}
