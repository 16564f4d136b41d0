namespace ClipLit.Inference.Runtime;

/// <summary>How the sessions an <see cref="OrtSessionFactory"/> creates run, apart from the device it resolves.</summary>
/// <param name="Threads">ONNX Runtime's intra-op threads (at least 1).</param>
/// <param name="SpinWhileWaiting">Idle intra-op threads spin (ONNX Runtime's default) rather than sleep.</param>
/// <param name="AllowTf32">On CUDA: convolutions may round to TF32 (faster, not faithful; <see cref="CudaProviderSettings"/>).</param>
/// <param name="ProfilePrefix">Non-null: sessions are profiled into files with this path prefix.</param>
public sealed record OrtSessionSettings(int Threads, bool SpinWhileWaiting = true, bool AllowTf32 = false, string? ProfilePrefix = null);
