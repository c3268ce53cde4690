namespace TrainMonitor.Kernel;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): a tiny counter-based generator, used for the kernel sketch so
/// that Z depends only on (seed, batch index, batch size) — identical on every machine and .NET version — and
/// never touches torch's global generator or any RNG stream the user's training relies on.
/// </summary>
internal struct SketchRandom
{
    private ulong _state;

    public SketchRandom(int seed, int batchIndex, int batchSize)
    {
        _state = Mix(Mix(Mix(unchecked((ulong)seed) ^ 0x5EED_0F5C_E7C4_0000UL) ^ unchecked((ulong)batchIndex)) ^ unchecked((ulong)batchSize));
    }

    /// <summary>Next ±1 with equal probability.</summary>
    public double NextSign() => (NextUInt64() >> 63) == 0 ? 1.0 : -1.0;

    public ulong NextUInt64()
    {
        _state = unchecked(_state + 0x9E3779B97F4A7C15UL);
        return Mix(_state);
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
