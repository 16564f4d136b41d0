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
    private OrtSessionFactory(ExecutionDevice device, OrtSessionSettings settings, string? fallbackReason)
    {
        Device = device;
        Settings = settings;
        FallbackReason = fallbackReason;
    }

    /// <summary><see cref="ExecutionDevice.Cpu"/> or <see cref="ExecutionDevice.Cuda"/>.</summary>
    public ExecutionDevice Device { get; }

    public OrtSessionSettings Settings { get; }

    /// <summary>Why Auto did not get CUDA (null when it did, or when the CPU was asked for).</summary>
    public string? FallbackReason { get; }

    /// <summary>One line saying where the network runs, for logs and the HUD.</summary>
    public string Description =>
        Device == ExecutionDevice.Cuda
            ? $"CUDA (ONNX Runtime {OrtEnv.Instance().GetVersionString()}, device 0, TF32 {(Settings.AllowTf32 ? "on" : "off")})"
            : $"CPU (ONNX Runtime {OrtEnv.Instance().GetVersionString()}, {Settings.Threads} thread{(Settings.Threads == 1 ? "" : "s")})";

    /// <exception cref="InvalidOperationException">CUDA was requested explicitly and cannot be used; the message says why.</exception>
    /// <param name="requested">Where to run.</param>
    /// <param name="settings">How every session runs (threads below 1 count as 1).</param>
    public static OrtSessionFactory Create(ExecutionDevice requested, OrtSessionSettings settings)
    {
        settings = settings with { Threads = Math.Max(1, settings.Threads) };
        if (requested == ExecutionDevice.Cpu) return new OrtSessionFactory(ExecutionDevice.Cpu, settings, null);

        string? problem = ProbeCuda();
        if (problem is null) return new OrtSessionFactory(ExecutionDevice.Cuda, settings, null);
        if (requested == ExecutionDevice.Cuda) throw new InvalidOperationException($"CUDA is not usable: {problem}");
        return new OrtSessionFactory(ExecutionDevice.Cpu, settings, problem);
    }

    /// <summary>Creates a session for an in-memory ONNX model on the resolved device.</summary>
    /// <param name="model">The serialized ONNX model.</param>
    /// <param name="name">Names the session's profile file when profiling.</param>
    public InferenceSession CreateSession(byte[] model, string name = "session")
    {
        using var options = CreateOptions(Device, Settings);
        if (Settings.ProfilePrefix is not null)
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = $"{Settings.ProfilePrefix}{name}";
        }
        return new InferenceSession(model, options);
    }

    private static SessionOptions CreateOptions(ExecutionDevice device, OrtSessionSettings settings)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = settings.Threads,
            InterOpNumThreads = 1,
            // The arena matters: without it every operator's output is a fresh mmap and page
            // faults cost more than some convolutions. LightMapEstimator shrinks it after each
            // image so a batch of mixed sizes does not keep the largest image's memory.
            EnableCpuMemArena = true,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        // Spinning threads answer the next operator a little sooner, but on a machine shared with
        // the frame path (the live view) they burn the cores that decoding and composing need.
        if (!settings.SpinWhileWaiting) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        try
        {
            if (device == ExecutionDevice.Cuda)
            {
                using var cuda = new CudaProviderSettings(0, null, settings.AllowTf32).Create();
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
            using var options = CreateOptions(ExecutionDevice.Cuda, new OrtSessionSettings(Threads: 1));
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
