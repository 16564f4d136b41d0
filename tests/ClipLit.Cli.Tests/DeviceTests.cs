using System.Runtime.InteropServices;

namespace ClipLit.Cli.Tests;

/// <summary>Device selection: honest fallback with --device auto, a clear error with --device cuda.</summary>
[TestFixture]
public sealed class DeviceTests
{
    [Test]
    public void WithoutCudaAutoFallsBackToTheCpuAndSaysWhyWhileCudaIsAnError()
    {
        if (NativeLibrary.TryLoad("libcuda.so.1", out var driver))
        {
            NativeLibrary.Free(driver);
            Assert.Ignore("an NVIDIA driver is present: this test checks the machine-without-CUDA path");
        }
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
}
