namespace TrainMonitor.Cli.Analysis.Models;

/// <summary>How a checkpoint file stores a model's weights.</summary>
internal enum CheckpointFormat
{
    /// <summary>A TorchScript module: code and weights in one zip archive (<c>torch.jit.save</c>).</summary>
    TorchScript,

    /// <summary>A PyTorch state dict (<c>torch.save(model.state_dict(), …)</c>, zip or legacy pickle), read through TorchSharp.PyBridge.</summary>
    PyTorch,

    /// <summary>A safetensors file of named tensors, read through TorchSharp.PyBridge.</summary>
    Safetensors,

    /// <summary>TorchSharp's own format (<c>module.save(path)</c>).</summary>
    TorchSharp,
}
