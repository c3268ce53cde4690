using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// A one-layer causal self-attention language model: token and position embeddings, one attention block
/// through <c>scaled_dot_product_attention</c> with a residual connection, and an output projection to
/// next-token logits <c>[N, T, vocabulary]</c>. Parameters are drawn from a seeded generator.
/// </summary>
internal sealed class CausalAttentionModel : nn.Module<Tensor, Tensor>
{
    private readonly Embedding tokens;
    private readonly Parameter positions;
    private readonly Linear qkv;
    private readonly Linear projection;
    private readonly Linear head;
    private readonly int _heads;
    private readonly int _width;

    public CausalAttentionModel(int vocabulary, int width, int heads, int length, Generator generator, ScalarType dtype)
        : base(nameof(CausalAttentionModel))
    {
        if (width % heads != 0)
        {
            throw new ArgumentException($"The width {width} must be a multiple of the number of heads {heads}.", nameof(heads));
        }

        _heads = heads;
        _width = width;
        tokens = nn.Embedding(vocabulary, width, dtype: dtype);
        positions = new Parameter(zeros(new long[] { length, width }, dtype: dtype));
        qkv = nn.Linear(width, 3 * width, dtype: dtype);
        projection = nn.Linear(width, width, dtype: dtype);
        head = nn.Linear(width, vocabulary, dtype: dtype);

        // PyTorch's default scales: unit variance for embeddings (U(±√3)), U(±1/√fan_in) for linear layers.
        var linearBound = 1.0 / Math.Sqrt(width);
        SeededUniform.Fill(tokens.weight!, Math.Sqrt(3.0), generator);
        SeededUniform.Fill(positions, Math.Sqrt(3.0), generator);
        foreach (var linear in new[] { qkv, projection, head })
        {
            SeededUniform.Fill(linear.weight!, linearBound, generator);
            SeededUniform.Fill(linear.bias!, linearBound, generator);
        }

        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var n = input.shape[0];
        var t = input.shape[1];
        var x = tokens.call(input) + positions.narrow(0, 0, t).unsqueeze(0);

        // [N, T, 3·D] → three [N, H, T, D/H] tensors.
        var parts = qkv.call(x).reshape(n, t, 3, _heads, _width / _heads).permute(2, 0, 3, 1, 4);
        var attended = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2], is_casual: true);
        var merged = attended.transpose(1, 2).reshape(n, t, _width);
        var h = x + projection.call(merged);
        return head.call(h).MoveToOuterDisposeScope();
    }
}
