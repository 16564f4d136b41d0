namespace ClipLit.Inference.Runtime;

/// <summary>Where the enhancement network runs.</summary>
public enum ExecutionDevice
{
    /// <summary>CUDA when a usable NVIDIA GPU, driver, CUDA runtime and cuDNN are present, else the CPU.</summary>
    Auto,

    /// <summary>ONNX Runtime's CPU execution provider.</summary>
    Cpu,

    /// <summary>ONNX Runtime's CUDA execution provider; failing to start it is an error, not a fallback.</summary>
    Cuda,
}

/// <summary>Parsing of <c>--device</c> values.</summary>
public static class ExecutionDeviceNames
{
    public static bool TryParse(string text, out ExecutionDevice device)
    {
        switch (text.ToLowerInvariant())
        {
            case "auto": device = ExecutionDevice.Auto; return true;
            case "cpu": device = ExecutionDevice.Cpu; return true;
            case "cuda": case "gpu": device = ExecutionDevice.Cuda; return true;
            default: device = ExecutionDevice.Auto; return false;
        }
    }
}
