namespace TrainMonitor.Operators;

/// <summary>
/// Process-wide count of in-place parameter perturbations made by finite-difference operators.
/// </summary>
/// <remarks>
/// Writing a parameter in place bumps its autograd version counter, and a retained graph that saved the
/// parameter is refused by libtorch afterwards; TorchSharp 0.107 turns that refusal into a process abort. Even
/// a bit-exact restore does not help, since the check is on versions, not values. Every retained graph records
/// the epoch it was built in, and is rebuilt instead of used when the epoch has moved on.
/// </remarks>
internal static class ParameterPerturbation
{
    private static long _epoch;

    public static long Epoch => Interlocked.Read(ref _epoch);

    public static void Advance() => Interlocked.Increment(ref _epoch);
}
