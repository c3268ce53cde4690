using TorchSharp;
using static TorchSharp.torch;

namespace TrainMonitor.Cli.Analysis.Models;

/// <summary>
/// A TorchScript module (a model exported from PyTorch with <c>torch.jit.script</c> or <c>torch.jit.trace</c>) as the
/// <c>nn.Module&lt;Tensor, Tensor&gt;</c> a probe takes: its parameters, buffers and mode are the script module's, under
/// the prefix <c>script.</c>.
/// </summary>
/// <remarks>
/// TorchSharp's <c>ScriptModule&lt;Tensor, Tensor&gt;</c> is an <c>nn.Module</c> but not an <c>nn.Module&lt;Tensor, Tensor&gt;</c>;
/// registering it as the only submodule lets <c>parameters()</c>, <c>train()</c>/<c>eval()</c> and <c>to()</c> reach it
/// unchanged. Double backward through a loaded script module works in libtorch 2.10 (checked against the equivalent
/// TorchSharp model in the tests), so the matrix-free path's Jacobian-vector products need nothing special.
/// </remarks>
internal sealed class TorchScriptModel : nn.Module<Tensor, Tensor>
{
    private readonly jit.ScriptModule<Tensor, Tensor> _script;

    private TorchScriptModel(jit.ScriptModule<Tensor, Tensor> script)
        : base("torchscript")
    {
        _script = script;
        register_module("script", script);
    }

    /// <summary>Loads the TorchScript file at <paramref name="path"/> onto the CPU.</summary>
    public static TorchScriptModel Load(string path) => new(jit.load<Tensor, Tensor>(path));

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => _script.call(input);

    /// <remarks>
    /// Listed eagerly: Module.Dispose disposes each module it enumerates, and the lazy base enumeration would then ask the
    /// disposed script module for its children.
    /// </remarks>
    public override IEnumerable<(string name, nn.Module module)> named_modules() => base.named_modules().ToArray();
}
