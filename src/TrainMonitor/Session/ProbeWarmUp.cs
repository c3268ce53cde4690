using System.Diagnostics;
using TorchSharp;
using TrainMonitor.Errors;
using TrainMonitor.Probing;
using static TorchSharp.torch;

namespace TrainMonitor.Session;

/// <summary>
/// A probe of the first few examples at attach, whose result is thrown away: it pays the one-time start-up of the probe
/// path — the JIT of the probe code, libtorch's first use of its kernels, the Gram path's plan — before training starts.
/// </summary>
/// <remarks>
/// Measured on the QuickStart's model (docs/engine.md "Schedule and budget"): the first probe of a process took 80 ms and
/// the next ones 6–8 ms, so a cold probe at step 1 spent the whole 5 % budget of a 1000-step run by itself. The warm-up
/// costs the same once, at attach, where it delays the start of training instead of crowding out the probes the schedule
/// wants. It runs the same code a probe runs (<see cref="SpectralProbe"/>, which guards the model: parameters, gradients,
/// and modes are left as they were; the global random stream is saved and restored around it). A warm-up that fails is ignored: the real probe reports the same
/// failure through the monitor's usual path.
/// </remarks>
internal static class ProbeWarmUp
{
    /// <summary>Examples the warm-up probes: enough for every path a probe of the set takes, few enough to cost little.</summary>
    public const int Examples = 4;

    /// <summary>
    /// The probe's settings with the depths cut to what runs every code path once: a large model on the Lanczos path would
    /// otherwise spend its full Lanczos depth and every sketch vector on four examples at attach.
    /// </summary>
    internal static SpectralProbeOptions Shallow(SpectralProbeOptions options)
    {
        var shallow = options.Copy();
        shallow.LanczosSteps = Math.Min(shallow.LanczosSteps, ShallowLanczosSteps);
        shallow.SketchVectors = Math.Min(shallow.SketchVectors, 1);
        return shallow;
    }

    /// <summary>Lanczos steps of the warm-up: enough to run the iteration, its reorthogonalisation and the quadrature.</summary>
    public const int ShallowLanczosSteps = 4;

    /// <summary>Runs the warm-up on the first <see cref="Examples"/> examples of <paramref name="probe"/>; returns its wall time (zero when it failed).</summary>
    public static TimeSpan Run(nn.Module<Tensor, Tensor> model, ProbeSet probe, ErrorFunction error, SpectralProbeOptions options)
    {
        var stopwatch = Stopwatch.StartNew();
        // A model may draw from the global generator even in evaluation mode; the run's random stream must not see the warm-up.
        using var rng = torch.random.get_rng_state();
        try
        {
            using var few = probe.Prefix(Examples);
            SpectralProbe.Run(model, few.Batches, error, Shallow(options));
            return stopwatch.Elapsed;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return TimeSpan.Zero;
        }
        finally
        {
            torch.random.set_rng_state(rng);
        }
    }
}
