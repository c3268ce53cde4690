using static TorchSharp.torch;

namespace Validation.Data;

/// <summary>
/// A synthetic language with Zipfian token frequencies and long-range structure, generated in code. Each sequence
/// draws a topic; tokens come from a Zipf(1) law over the vocabulary, permuted per topic (so which tokens are frequent
/// depends on a token seen at the start), and with probability <c>copy</c> a position repeats the token
/// <c>lag</c> places back (a dependency a causal attention layer can learn and an n-gram model of small order cannot).
/// Token 0 at position 0 is the topic marker <c>topic</c>.
/// </summary>
internal sealed class ZipfLanguage(int vocabulary, int topics, int length, int lag, double copy, int seed)
{
    private readonly int[][] _permutations = BuildPermutations(vocabulary, topics, seed);
    private readonly double[] _cumulative = BuildZipf(vocabulary - topics);

    public int Vocabulary => vocabulary;

    /// <summary>Inputs [n, length] and next-token targets [n, length] (both int64).</summary>
    public (Tensor Input, Tensor Target) Sample(int count, Random random)
    {
        var tokens = new long[count, length + 1];
        for (var n = 0; n < count; n++)
        {
            var topic = random.Next(topics);
            tokens[n, 0] = topic;
            for (var i = 1; i <= length; i++)
            {
                if (i > lag && random.NextDouble() < copy)
                {
                    tokens[n, i] = tokens[n, i - lag];
                    continue;
                }

                var rank = Array.BinarySearch(_cumulative, random.NextDouble());
                rank = rank < 0 ? ~rank : rank;
                tokens[n, i] = topics + _permutations[topic][Math.Min(rank, _cumulative.Length - 1)];
            }
        }

        var all = tensor(tokens);
        return (all[.., ..length].contiguous(), all[.., 1..].contiguous());
    }

    private static double[] BuildZipf(int size)
    {
        var weights = Enumerable.Range(1, size).Select(r => 1.0 / r).ToArray();
        var total = weights.Sum();
        var cumulative = new double[size];
        var running = 0.0;
        for (var i = 0; i < size; i++)
        {
            running += weights[i] / total;
            cumulative[i] = running;
        }

        return cumulative;
    }

    private static int[][] BuildPermutations(int vocabulary, int topics, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, topics).Select(_ =>
        {
            var p = Enumerable.Range(0, vocabulary - topics).ToArray();
            random.Shuffle(p);
            return p;
        }).ToArray();
    }
}
