using System.Globalization;
using TrainMonitor.Shells;

namespace TrainMonitor.Outputs.TensorBoard;

/// <summary>
/// The scalar tags <see cref="TensorBoardSink"/> writes, under a prefix (default <c>trainmonitor</c>) so they group in
/// their own section of TensorBoard's scalar dashboard. Units and meaning are those of the JSON-lines keys of the same
/// name (docs/snapshot-schema.md).
/// </summary>
public static class TensorBoardTags
{
    /// <summary>Default prefix of every tag.</summary>
    public const string DefaultPrefix = "trainmonitor";

    /// <summary>Energy-quantile frontier λ_f(p) (the estimate); not written when undetermined, so the curve has a gap there.</summary>
    public const string FrontierLambda = "frontier_lambda";

    /// <summary>Certified lower end of λ_f(p); not written when the frontier is undetermined.</summary>
    public const string FrontierLambdaLower = "frontier_lambda_lower";

    /// <summary>Certified upper end of λ_f(p); not written when undetermined or +∞ (Lanczos found no certified end).</summary>
    public const string FrontierLambdaUpper = "frontier_lambda_upper";

    /// <summary>The fraction p of the non-null error energy above λ_f(p).</summary>
    public const string FrontierEnergyFraction = "frontier_energy_fraction";

    /// <summary>Cutoff λ_fit of the amplitude–frontier fit; not written when the fit is undetermined.</summary>
    public const string FrontierFitLambda = "frontier_fit_lambda";

    /// <summary>Energy of the sparse top shells the amplitude–frontier fit left out (same unit as <see cref="ErrorEnergy"/>).</summary>
    public const string FrontierOutlierEnergy = "frontier_outlier_energy";

    /// <summary>Error energy ‖e‖²/n on the probe set.</summary>
    public const string ErrorEnergy = "error_energy";

    /// <summary>
    /// Held-out loss on the probe set: the mean surprisal for cross-entropy (the usual validation loss), the error energy, the mean squared error
    /// for squared error and user functions.
    /// </summary>
    public const string ProbeLoss = "probe_loss";

    /// <summary>Energy below the null floor.</summary>
    public const string NullEnergy = "null_energy";

    /// <summary>Distance of the model's tangent kernel from the previous probe's.</summary>
    public const string KernelDistance = "kernel_distance";

    /// <summary>Distance of the model's tangent kernel from the first probe's.</summary>
    public const string KernelDistanceFromFirst = "kernel_distance_from_first";

    /// <summary>Relative change of the model's outputs on the probe set since the previous probe (near 0: the function stands still).</summary>
    public const string OutputChange = "output_change";

    /// <summary>Spectral position α₁ = eᵀMe / eᵀe.</summary>
    public const string SpectralPosition = "spectral_position";

    /// <summary>Largest eigenvalue seen.</summary>
    public const string LambdaMax = "lambda_max";

    /// <summary>
    /// The regime as its enum value (0 warming_up, 1 unstable, 2 feature_learning, 3 lazy_progressing, 4 lazy_stagnant,
    /// 5 overfitting, 6 not_learning).
    /// </summary>
    public const string Regime = "regime";

    /// <summary>Text tag: one entry per regime change, with the reason (TensorBoard lists it as <c>regime_change/text_summary</c>).</summary>
    public const string RegimeChange = "regime_change";

    /// <summary>Folder of the per-shell energies: <c>shell_energy/alpha_{α}</c>, shell [q^α, q^(α+1)).</summary>
    public const string ShellEnergyFolder = "shell_energy";

    /// <summary>Folder of the per-shell dissipation: <c>shell_dissipation/alpha_{α}</c>.</summary>
    public const string ShellDissipationFolder = "shell_dissipation";

    /// <summary>Folder of the flux across each shell's lower edge since the previous probe: <c>shell_flux/alpha_{α}</c>.</summary>
    public const string ShellFluxFolder = "shell_flux";

    /// <summary>Transport fraction since the previous probe (estimate).</summary>
    public const string TransportFraction = "transport_fraction";

    /// <summary>Certified lower end of the transport fraction.</summary>
    public const string TransportFractionLower = "transport_fraction_lower";

    /// <summary>Certified upper end of the transport fraction.</summary>
    public const string TransportFractionUpper = "transport_fraction_upper";

    /// <summary>The tag of shell α's Gauss estimate, e.g. <c>shell_energy/alpha_-3</c>.</summary>
    public static string ShellEnergy(int index) => ShellSeries(ShellEnergyFolder, index);

    /// <summary>The tag of shell α in the folder of a per-shell metric.</summary>
    internal static string ShellSeries(string folder, int index) => string.Create(CultureInfo.InvariantCulture, $"{folder}/alpha_{index}");
}
