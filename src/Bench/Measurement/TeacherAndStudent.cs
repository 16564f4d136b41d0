using ClipLit.Engine;
using ClipLit.Engine.Models;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Bench.Measurement;

/// <summary>
/// The two models a benchmark of fast quality compares, open on the CPU as <c>cliplit enhance</c>
/// opens them: the teacher (the paper's network, or any model file) in a session of its own, the
/// student in a sibling session on the same Vulkan device; and the machine they run on.
/// Thread-safety: as <see cref="EnhancerSession"/>. Ownership: owns both sessions; Dispose closes them (safe twice).
/// </summary>
public sealed class TeacherAndStudent : IDisposable
{
    private bool _disposed;

    /// <param name="checkpoint">The teacher's file.</param>
    /// <param name="student">The student's file.</param>
    /// <param name="threads">ONNX Runtime's threads.</param>
    /// <param name="cancellation">Stops the machine's description (it may start a child process).</param>
    public TeacherAndStudent(string checkpoint, string student, int threads, CancellationToken cancellation)
    {
        Teacher = ModelFile.Load(checkpoint);
        Student = ModelFile.LoadStudent(student);
        Options = EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = threads };
        Session = new EnhancerSession(Teacher, Options, VkDeviceOptions.Default);
        try
        {
            StudentSession = Session.OpenSibling(Student);
            Machine = MachineDescription.Detect(Session.Device.Name, cancellation);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public LightMapModel Teacher { get; }

    public StudentModel Student { get; }

    /// <summary>How both sessions run their networks.</summary>
    public EnhancerOptions Options { get; }

    public EnhancerSession Session { get; }

    public EnhancerSession StudentSession { get; } = null!;

    public MachineDescription Machine { get; } = null!;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        StudentSession?.Dispose();
        Session.Dispose();
    }
}
