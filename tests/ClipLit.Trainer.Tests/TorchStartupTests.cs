using TorchSharp;
using static TorchSharp.torch;

namespace ClipLit.Trainer.Tests;

/// <summary>TorchSharp must start on this system (Debian 12's libstdc++ lacks GLIBCXX_3.4.32; the build patches that).</summary>
[TestFixture]
public sealed class TorchStartupTests
{
    [Test]
    public void TorchInitializesAndComputes()
    {
        InitializeDeviceType(DeviceType.CPU);
        using var a = tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var product = matmul(a, a);
        Assert.That(product.data<float>().ToArray(), Is.EqualTo(new float[] { 7, 10, 15, 22 }));
    }
}
