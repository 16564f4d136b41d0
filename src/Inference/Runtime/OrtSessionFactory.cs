using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace ClipLit.Inference.Runtime;

/// <summary>
/// Resolves <see cref="ExecutionDevice"/> to an ONNX Runtime execution provider once, then creates
/// sessions for it. Auto tries CUDA (NVIDIA driver present, then a probe session on the CUDA
/// provider) and falls back to the CPU with the reason in <see cref="FallbackReason"/>; an explicit
/// CUDA request that cannot be met throws instead.
/// Thread-safety: <see cref="CreateSession"/> may be called from any thread.
/// Ownership: sessions it creates belong to the caller.
/// </summary>
public sealed class OrtSessionFactory
{
    private OrtSessionFactory(ExecutionDevice device, int threads, string? fallbackReason, string? profilePrefix, bool spinWhileWaiting, bool allowTf32)
    {
        Device = device;
        AllowTf32 = allowTf32;
        Threads = threads;
        SpinWhileWaiting = spinWhileWaiting;
        FallbackReason = fallbackReason;
        ProfilePrefix = profilePrefix;
    }

    /// <summary><see cref="ExecutionDevice.Cpu"/> or <see cref="ExecutionDevice.Cuda"/>.</summary>
    public ExecutionDevice Device { get; }

    public int Threads { get; }

    /// <summary>On CUDA: convolutions may round to TF32 (<see cref="CudaProviderSettings"/>).</summary>
    public bool AllowTf32 { get; }

    /// <summary>Whether idle intra-op threads spin (ONNX Runtime's default) rather than sleep.</summary>
    public bool SpinWhileWaiting { get; }

    /// <summary>Path prefix of ONNX Runtime profiles, or null when sessions are not profiled.</summary>
    public string? ProfilePrefix { get; }

    /// <summary>Why Auto did not get CUDA (null when it did, or when the CPU was asked for).</summary>
    public string? FallbackReason { get; }

    /// <summary>One line saying where the network runs, for logs and the HUD.</summary>
    public string Description =>
        Device == ExecutionDevice.Cuda
            ? $"CUDA (ONNX Runtime {OrtEnv.Instance().GetVersionString()}, device 0, TF32 {(AllowTf32 ? "on" : "off")})"
            : $"CPU (ONNX Runtime {OrtEnv.Instance().GetVersionString()}, {Threads} thread{(Threads == 1 ? "" : "s")})";

    /// <exception cref="InvalidOperationException">CUDA was requested explicitly and cannot be used; the message says why.</exception>
    /// <param name="requested">Where to run.</param>
    /// <param name="threads">ONNX Runtime's intra-op threads.</param>
    /// <param name="profilePrefix">Non-null: sessions are profiled into files with this prefix.</param>
    /// <param name="spinWhileWaiting">Idle intra-op threads spin rather than sleep.</param>
    /// <param name="allowTf32">On CUDA: convolutions may round to TF32 (faster, not faithful).</param>
    public static OrtSessionFactory Create(ExecutionDevice requested, int threads, string? profilePrefix = null, bool spinWhileWaiting = true, bool allowTf32 = false)
    {
        threads = Math.Max(1, threads);
        if (requested == ExecutionDevice.Cpu) return new OrtSessionFactory(ExecutionDevice.Cpu, threads, null, profilePrefix, spinWhileWaiting, allowTf32);

        string? problem = ProbeCuda();
        if (problem is null) return new OrtSessionFactory(ExecutionDevice.Cuda, threads, null, profilePrefix, spinWhileWaiting, allowTf32);
        if (requested == ExecutionDevice.Cuda) throw new InvalidOperationException($"CUDA is not usable: {problem}");
        return new OrtSessionFactory(ExecutionDevice.Cpu, threads, problem, profilePrefix, spinWhileWaiting, allowTf32);
    }

    /// <summary>Creates a session for an in-memory ONNX model on the resolved device.</summary>
    /// <param name="model">The serialized ONNX model.</param>
    /// <param name="name">Names the session's profile file when profiling.</param>
    public InferenceSession CreateSession(byte[] model, string name = "session")
    {
        using var options = CreateOptions(Device, Threads, SpinWhileWaiting, AllowTf32);
        if (ProfilePrefix is not null)
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = $"{ProfilePrefix}{name}";
        }
        return new InferenceSession(model, options);
    }

    private static SessionOptions CreateOptions(ExecutionDevice device, int threads, bool spinWhileWaiting, bool allowTf32)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            // The arena matters: without it every operator's output is a fresh mmap and page
            // faults cost more than some convolutions. LightMapEstimator shrinks it after each
            // image so a batch of mixed sizes does not keep the largest image's memory.
            EnableCpuMemArena = true,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // Spinning threads answer the next operator a little sooner, but on a machine shared with
        // the frame path (the live view) they burn the cores that decoding and composing need.
        if (!spinWhileWaiting) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            if (device == ExecutionDevice.Cuda)
            {
                using var cuda = new CudaProviderSettings(0, null, allowTf32).Create();
                options.AppendExecutionProvider_CUDA(cuda);
            }
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Returns null when a CUDA session can be created and run, else the reason it cannot. It is run,
    /// not only created: the provider loads cuDNN and creates its handles on the first run.
    /// </summary>
    private static string? ProbeCuda()
    {
        if (!NativeLibrary.TryLoad("libcuda.so.1", out var driver) && !NativeLibrary.TryLoad("nvcuda.dll", out driver))
            return "no NVIDIA driver (libcuda.so.1 not found)";
        NativeLibrary.Free(driver);
        try
        {
            using var options = CreateOptions(ExecutionDevice.Cuda, 1, spinWhileWaiting: true, allowTf32: false);
            using var session = new InferenceSession(CudaProbeModel(), options);
            using var input = OrtValue.CreateTensorValueFromMemory(new float[64], [1, 1, 8, 8]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, ["x"], [input], ["y"]);
            return null;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            return $"the CUDA execution provider failed to start: {FirstLine(e.Message)}";
        }
    }

    /// <summary>
    /// A one-node graph, a 3x3 convolution, to prove a provider starts and can run the network's
    /// main operator: the CUDA provider loads cuDNN only when a convolution is planned, so a probe
    /// without one would pass on a machine with no cuDNN and the first frame would fail.
    /// </summary>
    public static byte[] CudaProbeModel()
    {
        var graph = new Graph.OnnxGraphWriter("probe");
        string x = graph.Input("x", TensorProto.Types.DataType.Float, 1, 1, 8, 8);
        string w = graph.Weight("w", new Model.TensorData([1, 1, 3, 3], Enumerable.Repeat(1f / 9, 9).ToArray()));
        string y = graph.Rename(graph.Op("Conv", x, w, Graph.OnnxGraphWriter.Attr("pads", [1L, 1, 1, 1])), "y");
        graph.Output(y, TensorProto.Types.DataType.Float, 1, 1, 8, 8);
        return Google.Protobuf.MessageExtensions.ToByteArray(graph.ToModel("probe", "CUDA probe"));
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOfAny(['\r', '\n']);
        return newline < 0 ? text : text[..newline];
    }
}
