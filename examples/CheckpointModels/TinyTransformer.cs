using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace CheckpointModels;

/// <summary>
/// The TorchSharp twin of <c>TinyTransformer</c> in <c>examples/checkpoints/generate.py</c>: a causal one-block,
/// pre-LayerNorm transformer (width 32, 2 heads, MLP 64 with exact GELU) from token ids <c>[N, T]</c>, T ≤ 16, to
/// next-token logits <c>[N, T, 32]</c>. Its state-dict keys and shapes are the Python ones, so
/// <c>load_py</c> reads the <c>.pth</c> checkpoints with <c>strict: true</c>.
/// </summary>
/// <remarks>
/// Attention is written out (matmul, softmax, causal mask) rather than through
/// <c>scaled_dot_product_attention</c>, whose CPU kernel has no double backward. The mask is computed in
/// <see cref="forward"/>: a registered buffer would be a state-dict key the Python file does not have.
/// </remarks>
public sealed class TinyTransformer : nn.Module<Tensor, Tensor>
{
    private const int Width = 32;
    private const int Heads = 2;
    private const int HeadWidth = Width / Heads;
    private const int Hidden = 64;
    private static readonly double Scale = 1.0 / Math.Sqrt(HeadWidth);

    [ComponentName(Name = "token_embedding")]
    private readonly Embedding _tokenEmbedding;

    [ComponentName(Name = "position_embedding")]
    private readonly Parameter _positionEmbedding;

    [ComponentName(Name = "ln1")]
    private readonly LayerNorm _ln1;

    [ComponentName(Name = "qkv")]
    private readonly Linear _qkv;

    [ComponentName(Name = "proj")]
    private readonly Linear _proj;

    [ComponentName(Name = "ln2")]
    private readonly LayerNorm _ln2;

    [ComponentName(Name = "fc1")]
    private readonly Linear _fc1;

    [ComponentName(Name = "fc2")]
    private readonly Linear _fc2;

    [ComponentName(Name = "ln_f")]
    private readonly LayerNorm _lnF;

    [ComponentName(Name = "head")]
    private readonly Linear _head;

    /// <summary>Creates the model with PyTorch's default initialisation from the global generator.</summary>
    public TinyTransformer()
        : base(nameof(TinyTransformer))
    {
        _tokenEmbedding = nn.Embedding(TokenLanguage.Vocabulary, Width);
        _positionEmbedding = new Parameter(randn(TokenLanguage.TransformerContext, Width) * 0.02);
        _ln1 = nn.LayerNorm(Width);
        _qkv = nn.Linear(Width, 3 * Width);
        _proj = nn.Linear(Width, Width);
        _ln2 = nn.LayerNorm(Width);
        _fc1 = nn.Linear(Width, Hidden);
        _fc2 = nn.Linear(Hidden, Width);
        _lnF = nn.LayerNorm(Width);
        _head = nn.Linear(Width, TokenLanguage.Vocabulary);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var n = tokens.shape[0];
        var t = tokens.shape[1];
        var x = _tokenEmbedding.call(tokens) + _positionEmbedding.narrow(0, 0, t);

        // [N, T, 3·D] → three [N, H, T, D/H], in the order of the Python reshape so the qkv weight rows match.
        var qkv = _qkv.call(_ln1.call(x)).reshape(n, t, 3, Heads, HeadWidth).permute(2, 0, 3, 1, 4);
        var scores = qkv[0].matmul(qkv[1].transpose(-2, -1)) * Scale;
        var future = ones(t, t, dtype: ScalarType.Bool, device: tokens.device).triu(1);
        var weights = scores.masked_fill(future, double.NegativeInfinity).softmax(-1);
        var attended = weights.matmul(qkv[2]).transpose(1, 2).reshape(n, t, Width);
        x = x + _proj.call(attended);
        x = x + _fc2.call(nn.functional.gelu(_fc1.call(_ln2.call(x))));
        return _head.call(_lnF.call(x)).MoveToOuterDisposeScope();
    }
}
