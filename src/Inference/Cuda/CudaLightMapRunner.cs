using ClipLit.Inference.Graph;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ClipLit.Inference.Cuda;

/// <summary>
/// The enhancement network on ONNX Runtime's CUDA provider, reading its input from and writing the
/// light map to memory Vulkan shares (<see cref="CudaSharedBuffer"/>): tensors are created over the
/// imported device pointers and bound with IOBinding, and the provider runs on the context's stream
/// (<see cref="CudaProviderSettings"/>), where timeline waits and signals (CudaTimeline) could order
/// it with Vulkan's work; the frame engine orders it on the host instead (docs/gpu.md). Nothing is
/// copied through the host.
/// Thread-safety: one Run at a time. Ownership: owns its session, memory info and run options, not
/// the context; Dispose releases them (safe twice; Run throws ObjectDisposedException afterwards).
/// </summary>
public sealed class CudaLightMapRunner : IDisposable
{
    private readonly CudaContext _context;
    private readonly InferenceSession _session;
    private readonly OrtMemoryInfo _deviceMemory;
    private readonly RunOptions _runOptions = new();
    private bool _disposed;

    /// <param name="weights">The paper's network.</param>
    /// <param name="context">The CUDA device (the Vulkan device's) and the stream the provider runs on.</param>
    /// <param name="allowTf32">Let Ampere and newer round convolutions to TF32 (faster; off for fidelity).</param>
    /// <param name="profilePrefix">Non-null: ONNX Runtime profiles every run into a file with this prefix (<see cref="EndProfiling"/>); for benchmarks.</param>
    public CudaLightMapRunner(EnhancementWeights weights, CudaContext context, bool allowTf32 = false, string? profilePrefix = null)
        : this(EnhancementGraphBuilder.Build(weights, EnhancementGraphKind.Full, BorderMode.Reflect).ToByteArray(), context, allowTf32, profilePrefix)
    {
    }

    /// <param name="onnxModel">
    /// Any serialized ONNX model with the enhancer's contract: input <c>image</c> (1x3xHxW, RGB in [0, 1]),
    /// output <c>light_map</c> (1x1xHxW), symbolic H and W.
    /// </param>
    /// <param name="context">The CUDA device (the Vulkan device's) and the stream the provider runs on.</param>
    /// <param name="allowTf32">Let Ampere and newer round convolutions to TF32 (faster; off for fidelity).</param>
    /// <param name="profilePrefix">Non-null: ONNX Runtime profiles every run into a file with this prefix (<see cref="EndProfiling"/>); for benchmarks.</param>
    public CudaLightMapRunner(byte[] onnxModel, CudaContext context, bool allowTf32 = false, string? profilePrefix = null)
    {
        _context = context;
        Settings = new CudaProviderSettings(context.Device.Ordinal, context.Stream, allowTf32);
        try
        {
            using var cuda = Settings.Create();
            var effective = CudaProviderSettings.Parse(cuda.GetOptions());
            ProviderOptions = CudaProviderSettings.Describe(effective);
            StreamProblem = Settings.Mismatch(effective);
            using var options = SessionOptions.MakeSessionOptionWithCudaProvider(cuda);
            options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL;
            options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
            if (profilePrefix is not null)
            {
                options.EnableProfiling = true;
                options.ProfileOutputPathPrefix = profilePrefix;
            }
            _session = new InferenceSession(onnxModel, options);
            _deviceMemory = new OrtMemoryInfo(OrtMemoryInfo.allocatorCUDA, OrtAllocatorType.DeviceAllocator, context.Device.Ordinal, OrtMemType.Default);
        }
        catch
        {
            // The session holds GPU memory; nobody else can free it when the constructor fails.
            _session?.Dispose();
            _runOptions.Dispose();
            throw;
        }
    }

    /// <summary>What was asked of ONNX Runtime's CUDA provider: device, our stream, TF32.</summary>
    public CudaProviderSettings Settings { get; }

    /// <summary>The provider's options as ONNX Runtime read them back (doctor and the GPU proof print them).</summary>
    public string ProviderOptions { get; }

    /// <summary>Null when ONNX Runtime took the settings as given (it computes on the context's stream), else what it took instead.</summary>
    public string? StreamProblem { get; }

    /// <summary>
    /// Runs the network on a <paramref name="width"/> x <paramref name="height"/> planar RGB input
    /// (3·H·W floats in [0, 1]) into a light map (H·W floats), both in shared device memory.
    /// Returns when the GPU has finished it, and after a failure when nothing queued is left running:
    /// every run ends with a synchronize of the whole context (<see cref="CudaContext.Synchronize"/>).
    /// </summary>
    public void Run(CudaSharedBuffer networkInput, CudaSharedBuffer lightMap, int width, int height)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long pixels = (long)width * height;
        if ((ulong)(3 * pixels * sizeof(float)) > networkInput.Bytes) throw new ArgumentException($"the input buffer holds {networkInput.Bytes} bytes, {width}x{height} needs {3 * pixels * sizeof(float)}");
        if ((ulong)(pixels * sizeof(float)) > lightMap.Bytes) throw new ArgumentException($"the light map buffer holds {lightMap.Bytes} bytes, {width}x{height} needs {pixels * sizeof(float)}");
        using var input = OrtValue.CreateTensorValueWithData(_deviceMemory, TensorElementType.Float, [1, 3, height, width], (nint)networkInput.DevicePointer, 3 * pixels * sizeof(float));
        using var output = OrtValue.CreateTensorValueWithData(_deviceMemory, TensorElementType.Float, [1, 1, height, width], (nint)lightMap.DevicePointer, pixels * sizeof(float));
        using var binding = _session.CreateIoBinding();
        binding.BindInput(EnhancementGraphBuilder.ImageInput, input);
        binding.BindOutput(EnhancementGraphBuilder.LightMapOutput, output);
        using (_context.Use())
        {
            bool ran = false;
            try
            {
                _session.RunWithBinding(_runOptions, binding);
                ran = true;
            }
            finally
            {
                // A run that failed midway may leave kernels queued that still read or write the
                // shared buffers, and whoever catches the failure may free them (a fallback does):
                // nothing may still run when control leaves. After a failure the synchronize's own
                // error (a lost context) must not hide the run's.
                if (ran) _context.Synchronize();
                else _context.TrySynchronize();
            }
        }
    }

    /// <summary>Ends profiling (when enabled) and returns the profile file's path.</summary>
    public string EndProfiling()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _session.EndProfiling();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
        _deviceMemory.Dispose();
        _runOptions.Dispose();
    }
}
