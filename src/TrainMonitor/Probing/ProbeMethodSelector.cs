using TrainMonitor.Errors;
using TrainMonitor.Operators;
using TrainMonitor.Operators.Gram;
using static TorchSharp.torch;

namespace TrainMonitor.Probing;

/// <summary>
/// Chooses, for each batch of a model probe, how its spectral measure is obtained (<see cref="SpectralProbeOptions.Method"/>):
/// the explicit-Jacobian M, the Gram path's M, or the autograd operator for Lanczos; with <see cref="ProbeMethod.Auto"/>,
/// Gram where it applies and Lanczos with the reason where it does not. Immutable: the options are read once, here.
/// </summary>
/// <remarks>
/// The choice builds the operator, because whether the Gram path applies is only known once it has tried: its size and
/// separability checks need the batch's forward pass. An explicit <see cref="ProbeMethod.Exact"/> or
/// <see cref="ProbeMethod.Gram"/> that does not fit fails the probe rather than falling back.
/// </remarks>
internal sealed class ProbeMethodSelector
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly ErrorFunction _error;
    private readonly ProbeMethod _method;
    private readonly int _exactMaxBatchSize;
    private readonly int _gramMaxBatchSize;
    private readonly AutogradOperatorOptions _autogradOptions;

    public ProbeMethodSelector(nn.Module<Tensor, Tensor> model, ErrorFunction error, SpectralProbeOptions options)
    {
        _model = model;
        _error = error;
        _method = options.Method;
        _exactMaxBatchSize = options.ExactMaxBatchSize;
        _gramMaxBatchSize = options.GramMaxBatchSize;
        _autogradOptions = new AutogradOperatorOptions { JvpMethod = options.JvpMethod };
    }

    /// <summary>Builds the operator of <paramref name="batch"/> by the chosen method.</summary>
    public ProbeMethodDecision Select(ProbeBatch batch) => _method switch
    {
        ProbeMethod.Exact => ProbeMethodDecision.Explicit(
            ExactErrorOperator.ForModel(_model, batch.Input, batch.Target, _error, _exactMaxBatchSize), ProbeMethod.Exact),
        ProbeMethod.Gram => ProbeMethodDecision.Explicit(Gram(batch), ProbeMethod.Gram),
        ProbeMethod.Auto => GramOrLanczos(batch),
        _ => Lanczos(batch, fallbackReason: null),
    };

    private ProbeMethodDecision GramOrLanczos(ProbeBatch batch)
    {
        string reason;
        try
        {
            return ProbeMethodDecision.Explicit(Gram(batch), ProbeMethod.Gram);
        }
        catch (NotSupportedException ex)
        {
            // The Gram path throws before it changes anything, so Lanczos starts from the same model.
            reason = ex.Message;
        }

        return Lanczos(batch, reason);
    }

    private MatrixErrorOperator Gram(ProbeBatch batch) =>
        GramErrorOperator.ForModel(_model, batch.Input, batch.Target, _error, _gramMaxBatchSize);

    private ProbeMethodDecision Lanczos(ProbeBatch batch, string? fallbackReason) =>
        ProbeMethodDecision.MatrixFree(AutogradErrorOperator.ForModel(_model, batch.Input, batch.Target, _error, _autogradOptions), fallbackReason);
}
