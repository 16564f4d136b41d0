using ClipLit.TestSupport;

namespace ClipLit.Cli.Tests;

/// <summary>Device selection: honest fallback with --device auto, a clear error with --device cuda.</summary>
[TestFixture]
public sealed class DeviceTests
{
    [Test]
    public void WithoutCudaAutoFallsBackToTheCpuAndSaysWhyWhileCudaIsAnError()
    {
        if (NvidiaDriver.Present()) Assert.Ignore("an NVIDIA driver is present: this test checks the machine-without-CUDA path");
        using var workspace = new Workspace();
        string photo = workspace.Photo("photo.png");

        var auto = Cli.Run(Cli.WithModel("enhance", photo, "-o", workspace.PathOf("auto.png")));
        Assert.That(auto.ExitCode, Is.EqualTo(0));
        Assert.That(auto.Error, Does.Contain("running on CPU (ONNX Runtime").And.Contain("note: not using CUDA: no NVIDIA driver"));

        var cuda = Cli.Run(Cli.WithModel("enhance", photo, "-o", workspace.PathOf("cuda.png"), "--device", "cuda"));
        Assert.That(cuda.ExitCode, Is.EqualTo(1));
        Assert.That(cuda.ErrorLines.Single(l => l.StartsWith("error:", StringComparison.Ordinal)),
            Is.EqualTo("error: --device cuda: CUDA is not usable: no NVIDIA driver (libcuda.so.1 not found)"));
        Assert.That(File.Exists(workspace.PathOf("cuda.png")), Is.False);
    }

    [Test]
    public void DoctorListsEachLinkAndWhereTheEnhancerRuns()
    {
        var doctor = Cli.Run("doctor");
        Assert.That(doctor.ExitCode, Is.EqualTo(0), doctor.ToString());
        var lines = doctor.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines.Count(l => l.StartsWith("[ok]", StringComparison.Ordinal) || l.StartsWith("[missing]", StringComparison.Ordinal)), Is.GreaterThanOrEqualTo(6));
        Assert.That(lines, Has.Some.Match(@"^\[(ok|missing)\] +Vulkan"));
        Assert.That(lines.Where(l => l.StartsWith("[absent]", StringComparison.Ordinal)), Has.All.Contain("optional"), "only optional links may be absent without a verdict");
        if (NvidiaDriver.Present())
        {
            Assert.That(lines[^1], Does.StartWith("enhancer: "));
            return;
        }
        Assert.That(lines[0], Is.EqualTo("[missing] NVIDIA driver (CUDA driver API): no NVIDIA driver (libcuda.so.1 not found)"));
        Assert.That(lines, Has.Some.EqualTo("[missing] libcudnn.so.9: not found on the library path (see docs/gpu.md)"));
        Assert.That(lines[^1], Is.EqualTo("enhancer: CPU, tensors in host-mapped Vulkan memory; not CUDA because NVIDIA driver (CUDA driver API): no NVIDIA driver (libcuda.so.1 not found)"));
    }
}
