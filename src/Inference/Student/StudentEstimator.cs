using System.Diagnostics;
using ClipLit.Inference.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace ClipLit.Inference.Student;

/// <summary>
/// A student on host memory: one ONNX Runtime session over the file's own graph, run in place on
/// the caller's buffers. Students are small and run on small inputs, so they never tile.
/// Thread-safety: not thread-safe; callers serialize runs. Ownership: owns its session.
/// </summary>
public sealed class StudentEstimator : ILightMapEstimator
{
    /// <summary>TF32 on CUDA unless asked otherwise: on, a student approximates its teacher far beyond TF32's error (<see cref="EnhancerOptions.AllowTf32"/>).</summary>
    public const bool Tf32ByDefault = true;

    private readonly InferenceSession _session;
    private bool _disposed;

    public StudentEstimator(StudentModelData student, EnhancerOptions options)
    {
        Device = OrtSessionFactory.Create(options.Device, options.SessionSettings(Tf32ByDefault));
        var clock = Stopwatch.StartNew();
        try
        {
            _session = Device.CreateSession(student.OnnxBytes, "student");
        }
        catch (OnnxRuntimeException e)
        {
            throw new InferenceException($"{student.Source}: ONNX Runtime cannot load the student ({e.Message})", e);
        }
        LoadTime = clock.Elapsed;
    }

    public OrtSessionFactory Device { get; }

    public TimeSpan LoadTime { get; }

    public bool RunsWhole(int width, int height) => true;

    public void Prepare(int width, int height)
    {
    }

    public void Estimate(Memory<float> image, int width, int height, Memory<float> lightMap, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long pixels = (long)width * height;
        if (image.Length < 3 * pixels) throw new ArgumentException($"image buffer holds {image.Length} floats, a {width}x{height} RGB image needs {3 * pixels}");
        if (lightMap.Length < pixels) throw new ArgumentException($"light map buffer holds {lightMap.Length} floats, needs {pixels}");
        cancellation.ThrowIfCancellationRequested();
        using var runOptions = new RunOptions();
        using var registration = cancellation.Register(() => runOptions.Terminate = true);
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, image[..(int)(3 * pixels)], [1, 3, height, width]);
        using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, lightMap[..(int)pixels], [1, 1, height, width]);
        try
        {
            _session.Run(runOptions, [StudentGraphBuilder.ImageInput], [input], [StudentGraphBuilder.LightMapOutput], [output]);
        }
        catch (OnnxRuntimeException) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellation);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InferenceException($"the student failed on a {width}x{height} image: {e.Message}", e);
        }
    }

    public IReadOnlyList<string> EndProfiling() =>
        Device.Settings.ProfilePrefix is null || _disposed ? [] : [_session.EndProfiling()];

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _session.Dispose();
    }
}
