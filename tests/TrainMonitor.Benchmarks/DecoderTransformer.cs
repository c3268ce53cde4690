using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TrainMonitor.Benchmarks;

/// <summary>
/// A GPT-style decoder-only Transformer: token and learned position embeddings, pre-norm blocks of causal
/// self-attention (SDPA) and a GELU MLP, a final LayerNorm and an untied output head. Logits <c>[N, T, V]</c>.
/// </summary>
internal sealed class DecoderTransformer : nn.Module<Tensor, Tensor>
{
    private readonly Embedding tokens;
    private readonly Parameter positions;
    private readonly ModuleList<Block> blocks;
    private readonly LayerNorm norm;
    private readonly Linear head;

    public DecoderTransformer(int vocabulary, int width, int layers, int heads, int length)
        : base(nameof(DecoderTransformer))
    {
        tokens = nn.Embedding(vocabulary, width);
        positions = new Parameter(randn(length, width) * 0.02);
        blocks = nn.ModuleList(Enumerable.Range(0, layers).Select(_ => new Block(width, heads)).ToArray());
        norm = nn.LayerNorm(width);
        head = nn.Linear(width, vocabulary);
        RegisterComponents();
    }

    public override Tensor forward(Tensor idx)
    {
        using var scope = NewDisposeScope();
        var h = tokens.call(idx) + positions.narrow(0, 0, idx.shape[1]).unsqueeze(0);
        foreach (var block in blocks)
        {
            h = block.call(h);
        }

        return head.call(norm.call(h)).MoveToOuterDisposeScope();
    }

    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly LayerNorm norm1;
        private readonly Linear qkv;
        private readonly Linear projection;
        private readonly LayerNorm norm2;
        private readonly Linear up;
        private readonly Linear down;
        private readonly int _heads;

        public Block(int width, int heads)
            : base(nameof(Block))
        {
            _heads = heads;
            norm1 = nn.LayerNorm(width);
            qkv = nn.Linear(width, 3 * width);
            projection = nn.Linear(width, width);
            norm2 = nn.LayerNorm(width);
            up = nn.Linear(width, 4 * width);
            down = nn.Linear(4 * width, width);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            var (n, t, d) = (x.shape[0], x.shape[1], x.shape[2]);
            var parts = qkv.call(norm1.call(x)).reshape(n, t, 3, _heads, d / _heads).permute(2, 0, 3, 1, 4);
            var attended = nn.functional.scaled_dot_product_attention(parts[0], parts[1], parts[2], is_casual: true);
            var h = x + projection.call(attended.transpose(1, 2).reshape(n, t, d));
            return (h + down.call(nn.functional.gelu(up.call(norm2.call(h))))).MoveToOuterDisposeScope();
        }
    }
}
