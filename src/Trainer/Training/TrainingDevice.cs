namespace ClipLit.Trainer.Training;

/// <summary>Picks the device a run trains on from --device: cpu, cuda, cuda:N, or auto (CUDA when TorchSharp's libtorch has it).</summary>
public static class TrainingDevice
{
    /// <exception cref="ArgumentException">Unknown name, or CUDA asked for where libtorch has none; the message says how to get it.</exception>
    public static Device Resolve(string name)
    {
        string lower = name.Trim().ToLowerInvariant();
        if (lower == "cpu") return CPU;
        if (lower == "auto") return cuda.is_available() ? CUDA : CPU;
        if (lower == "cuda" || lower.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cuda.is_available())
                throw new ArgumentException($"--device {name}: this build's libtorch has no CUDA (it uses libtorch-cpu-linux-x64; see README, 'Training on an NVIDIA GPU')");
            return device(lower);
        }
        throw new ArgumentException($"--device {name}: expected cpu, cuda, cuda:N or auto");
    }
}
