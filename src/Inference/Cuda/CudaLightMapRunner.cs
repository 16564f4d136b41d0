using ClipLit.Inference.Graph;
using ClipLit.Inference.Model;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ClipLit.Inference.Cuda;

/// <summary>
/// The enhancement network on ONNX Runtime's CUDA provider, reading its input from and writing the
/// light map to memory Vulkan shares (<see cref="CudaSharedBuffer"/>): tensors are created over the
/// imported device pointers and bound with IOBinding, and the provider runs on the context's stream
/// (user_compute_stream), where timeline waits and signals (CudaTimeline) could order it with
/// Vulkan's work; the frame engine orders it on the host instead (docs/gpu.md). Nothing is copied
/// through the host.
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
    /// <param name="profilePrefix">Non-null: ONNX Runtime profiles every run into a file with this prefix (<see cref="EndProfiling"/>); for benchmarks.</param>
    public CudaLightMapRunner(EnhancementWeights weights, CudaContext context, string? profilePrefix = null)
        : this(EnhancementGraphBuilder.Build(weights, EnhancementGraphKind.Full, BorderMode.Reflect).ToByteArray(), context, profilePrefix)
    {
    }

    /// <param name="onnxModel">
    /// Any serialized ONNX model with the enhancer's contract: input <c>image</c> (1x3xHxW, RGB in [0, 1]),
    /// output <c>light_map</c> (1x1xHxW), symbolic H and W.
    /// </param>
    /// <param name="context">The CUDA device (the Vulkan device's) and the stream the provider runs on.</param>
    /// <param name="profilePrefix">Non-null: ONNX Runtime profiles every run into a file with this prefix (<see cref="EndProfiling"/>); for benchmarks.</param>
    public CudaLightMapRunner(byte[] onnxModel, CudaContext context, string? profilePrefix = null)
    {
        _context = context;
        try
        {
            using var cuda = new OrtCUDAProviderOptions();
            cuda.UpdateOptions(new Dictionary<string, string>
            {
                ["device_id"] = context.Device.Ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["user_compute_stream"] = context.Stream.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
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

    /// <summary>
    /// Runs the network on a <paramref name="width"/> x <paramref name="height"/> planar RGB input
    /// (3·H·W floats in [0, 1]) into a light map (H·W floats), both in shared device memory.
    /// Returns when the stream has finished it (ONNX Runtime synchronizes its stream at the end of a run).
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
        using (_context.Use()) _session.RunWithBinding(_runOptions, binding);
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
