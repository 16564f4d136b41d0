using ClipLit.Inference.Cuda;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Vulkan;
using Microsoft.ML.OnnxRuntime;

namespace ClipLit.Engine.Gpu;

/// <summary>
/// The enhancer's tensors in Vulkan device memory that CUDA imports (<see cref="CudaVisibleBuffer"/>):
/// the pre-process shader writes the network's input where ONNX Runtime's CUDA provider reads it,
/// and the provider writes the light map where the compose shader reads it. Nothing crosses to the
/// host. Handoffs are ordered by the frame engine's threads: the pre-process has finished (its fence)
/// before <see cref="Estimate"/> starts, and ONNX Runtime synchronizes its stream before returning,
/// before compose is submitted.
/// Thread-safety: thread-safe; runs take turns. Ownership: owns the CUDA context and the ONNX Runtime
/// session; buffers from Allocate are the caller's and must be disposed first.
/// </summary>
public sealed class CudaImportedTensors : IEnhancerTensors
{
    /// <summary>The size of the run that proves the chain when constructed.</summary>
    private const int ProbeSize = 64;

    private readonly VkComputeDevice _device;
    private readonly CudaContext _context;
    private readonly CudaLightMapRunner _runner;
    private readonly HashSet<(int Width, int Height)> _prepared = [];
    private readonly Lock _running = new();
    private bool _disposed;

    /// <summary>
    /// Matches the Vulkan device to its CUDA device, starts ONNX Runtime's CUDA provider on the
    /// context's stream and runs the network once on shared buffers, so a broken link fails here
    /// (where the caller falls back) rather than on the first frame.
    /// </summary>
    /// <exception cref="CudaException">No driver, no CUDA device with the Vulkan device's UUID, or an import failed.</exception>
    /// <exception cref="VulkanException">The device does not share memory.</exception>
    /// <exception cref="OnnxRuntimeException">The CUDA provider did not start (CUDA runtime or cuDNN missing or mismatched).</exception>
    /// <exception cref="InferenceException">The probe run failed.</exception>
    /// <param name="weights">The network.</param>
    /// <param name="device">The Vulkan device (created with VkDeviceOptions.ExternalMemory).</param>
    /// <param name="allowTf32">Let Ampere and newer round convolutions to TF32 (faster; off for fidelity).</param>
    /// <param name="profilePrefix">Non-null: ONNX Runtime profiles the runs (<see cref="EndProfiling"/>); for benchmarks.</param>
    public CudaImportedTensors(EnhancementWeights weights, VkComputeDevice device, bool allowTf32 = false, string? profilePrefix = null)
        : this(device, context => new CudaLightMapRunner(weights, context, allowTf32, profilePrefix))
    {
    }

    /// <summary>The same for any ONNX model with the enhancer's contract (image in, light map out; see <see cref="CudaLightMapRunner"/>).</summary>
    /// <exception cref="CudaException">No driver, no CUDA device with the Vulkan device's UUID, or an import failed.</exception>
    /// <exception cref="VulkanException">The device does not share memory.</exception>
    /// <exception cref="OnnxRuntimeException">The CUDA provider did not start.</exception>
    /// <exception cref="InferenceException">The probe run failed.</exception>
    /// <param name="onnxModel">The serialized model.</param>
    /// <param name="device">The Vulkan device (created with VkDeviceOptions.ExternalMemory).</param>
    /// <param name="allowTf32">Let Ampere and newer round convolutions to TF32.</param>
    /// <param name="profilePrefix">Non-null: ONNX Runtime profiles the runs; for benchmarks.</param>
    public CudaImportedTensors(byte[] onnxModel, VkComputeDevice device, bool allowTf32 = false, string? profilePrefix = null)
        : this(device, context => new CudaLightMapRunner(onnxModel, context, allowTf32, profilePrefix))
    {
    }

    private CudaImportedTensors(VkComputeDevice device, Func<CudaContext, CudaLightMapRunner> startRunner)
    {
        if (!device.SharesMemory) throw new VulkanException($"{device.Name} was not created to share memory with CUDA");
        if (CudaContext.Problem() is { } problem) throw new CudaException(problem);
        _device = device;
        _context = CudaContext.ForUuid(device.Uuid);
        try
        {
            _runner = startRunner(_context);
            Prepare(ProbeSize, ProbeSize);
        }
        catch
        {
            _runner?.Dispose();
            _context.Dispose();
            throw;
        }
    }

    public EnhancerResidence Residence => EnhancerResidence.CudaImported;

    public string Description => $"CUDA ({_context.Device.Name}), zero-copy tensors in Vulkan memory, TF32 {(_runner.Settings.AllowTf32 ? "on" : "off")}";

    /// <summary>The CUDA provider's options as ONNX Runtime read them back (device, stream, TF32).</summary>
    public string ProviderOptions => _runner.ProviderOptions;

    /// <summary>Null when the provider computes on the context's stream with the TF32 setting asked for; else what it took instead.</summary>
    public string? StreamProblem => _runner.StreamProblem;

    public IVkStorageBuffer Allocate(VkComputeDevice device, ulong bytes, string name)
    {
        if (!ReferenceEquals(device, _device)) throw new ArgumentException($"the tensors were set up for {_device.Name}'s device, not this one", nameof(device));
        return CudaVisibleBuffer.Allocate(device, _context, bytes, name);
    }

    /// <summary>
    /// Runs the network once at this size on scratch buffers: the CUDA provider plans each new shape
    /// on its first run (cuDNN's algorithm search), which would otherwise stall the first frame. A
    /// size counts as prepared once that run succeeded; a failure (e.g. too little GPU memory at
    /// this size) throws, and the next call tries again.
    /// </summary>
    /// <exception cref="InferenceException">The run failed at this size.</exception>
    public void Prepare(int width, int height)
    {
        lock (_prepared)
        {
            if (_prepared.Contains((width, height))) return;
        }
        using (var input = Allocate(_device, (ulong)(3L * width * height * sizeof(float)), "warm-up network input"))
        using (var lightMap = Allocate(_device, (ulong)((long)width * height * sizeof(float)), "warm-up light map"))
            Estimate(input, lightMap, width, height, CancellationToken.None);
        lock (_prepared) _prepared.Add((width, height));
    }

    public void Estimate(IVkStorageBuffer input, IVkStorageBuffer lightMap, int width, int height, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        try
        {
            lock (_running) _runner.Run(Imported(input).Cuda, Imported(lightMap).Cuda, width, height);
        }
        catch (Exception e) when (e is OnnxRuntimeException or CudaException)
        {
            throw new InferenceException($"the network on CUDA failed at {width}x{height}: {e.Message}", e);
        }
    }

    /// <summary>Ends profiling (when enabled) and returns the profile file.</summary>
    public IReadOnlyList<string> EndProfiling() => [_runner.EndProfiling()];

    private static CudaVisibleBuffer Imported(IVkStorageBuffer buffer) =>
        buffer as CudaVisibleBuffer ?? throw new ArgumentException($"{buffer.Name} is not memory CUDA imported (allocate it from {nameof(CudaImportedTensors)})");

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _runner.Dispose();
        _context.Dispose();
    }
}
