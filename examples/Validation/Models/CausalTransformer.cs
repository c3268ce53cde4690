using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Validation.Models;

/// <summary>
/// A small decoder-only Transformer: token and position embeddings, <c>layers</c> pre-norm blocks of causal
/// multi-head attention through <c>scaled_dot_product_attention</c> (is_causal) and a GELU MLP, then a final norm and
/// an output projection to next-token logits [n, T, vocabulary].
/// </summary>
internal sealed class CausalTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Embedding _tokens;
    private readonly Parameter _positions;
    private readonly ModuleList<Block> _blocks;
    private readonly LayerNorm _norm;
    private readonly Linear _head;

    public CausalTransformer(int vocabulary, int length, int width, int heads, int layers) : base(nameof(CausalTransformer))
    {
        _tokens = nn.Embedding(vocabulary, width);
        _positions = new Parameter(randn(length, width) * 0.02);
        _blocks = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new Block(width, heads)).ToArray());
        _norm = nn.LayerNorm(width);
        _head = nn.Linear(width, vocabulary);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var t = tokens.shape[1];
        var h = _tokens.call(tokens) + _positions[..(int)t];
        foreach (var block in _blocks)
        {
            h = block.call(h);
        }

        return _head.call(_norm.call(h)).MoveToOuterDisposeScope();
    }

    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly int _heads;
        private readonly LayerNorm _norm1;
        private readonly Linear _qkv;
        private readonly Linear _proj;
        private readonly LayerNorm _norm2;
        private readonly Linear _up;
        private readonly Linear _down;

        public Block(int width, int heads) : base(nameof(Block))
        {
            _heads = heads;
            _norm1 = nn.LayerNorm(width);
            _qkv = nn.Linear(width, 3 * width);
            _proj = nn.Linear(width, width);
            _norm2 = nn.LayerNorm(width);
            _up = nn.Linear(width, 4 * width);
            _down = nn.Linear(4 * width, width);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var (n, t, d) = (x.shape[0], x.shape[1], x.shape[2]);
            var parts = _qkv.call(_norm1.call(x)).chunk(3, -1);
            Tensor Split(Tensor z) => z.reshape(n, t, _heads, d / _heads).transpose(1, 2);
            var attended = nn.functional.scaled_dot_product_attention(Split(parts[0]), Split(parts[1]), Split(parts[2]), is_casual: true);
            var h = x + _proj.call(attended.transpose(1, 2).reshape(n, t, d));
            return (h + _down.call(nn.functional.gelu(_up.call(_norm2.call(h))))).MoveToOuterDisposeScope();
        }
    }
}
