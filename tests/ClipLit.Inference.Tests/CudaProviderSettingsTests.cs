using ClipLit.Inference.Runtime;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace ClipLit.Inference.Tests;

/// <summary>
/// What ClipLit asks of ONNX Runtime's CUDA provider, checked where no GPU is: the stream is given
/// with the flag the 1.31 provider factory needs before it takes the pointer, TF32 is off unless
/// allowed, a read-back that dropped either is caught, and the probe that decides whether CUDA is
/// usable runs a convolution (so cuDNN must load), which the CPU provider runs here.
/// </summary>
[TestFixture]
public sealed class CudaProviderSettingsTests
{
    [Test]
    public void OurStreamIsGivenTogetherWithTheFlagThatMakesTheProviderTakeIt()
    {
        var settings = new CudaProviderSettings(DeviceOrdinal: 1, Stream: unchecked((nint)0x7f00_1234_5000), AllowTf32: false);
        Assert.That(settings.Options, Is.EquivalentTo(new Dictionary<string, string>
        {
            ["device_id"] = "1",
            ["has_user_compute_stream"] = "1",
            ["user_compute_stream"] = "139638282145792",
            ["use_tf32"] = "0",
        }));
        var ownStream = new CudaProviderSettings(0, Stream: null, AllowTf32: true);
        Assert.That(ownStream.Options, Is.EquivalentTo(new Dictionary<string, string> { ["device_id"] = "0", ["use_tf32"] = "1" }));
    }

    [Test]
    public void AReadBackWithoutOurStreamOrWithTf32IsAMismatch()
    {
        var settings = new CudaProviderSettings(0, 4096, AllowTf32: false);
        // What ONNX Runtime 1.31 reads back when user_compute_stream is given without its flag.
        var dropped = CudaProviderSettings.Parse("device_id=0;has_user_compute_stream=0;user_compute_stream=0;gpu_mem_limit=18446744073709551615;use_tf32=0;");
        Assert.That(settings.Mismatch(dropped), Is.EqualTo("ONNX Runtime took has_user_compute_stream=0, not 1"));
        var tf32 = CudaProviderSettings.Parse("device_id=0;has_user_compute_stream=1;user_compute_stream=4096;use_tf32=1");
        Assert.That(settings.Mismatch(tf32), Is.EqualTo("ONNX Runtime took use_tf32=1, not 0"));
        var taken = CudaProviderSettings.Parse("device_id=0;has_user_compute_stream=1;user_compute_stream=4096;use_tf32=0;cudnn_conv_algo_search=EXHAUSTIVE");
        Assert.That(settings.Mismatch(taken), Is.Null);
        Assert.That(CudaProviderSettings.Describe(taken),
            Is.EqualTo("device_id=0 has_user_compute_stream=1 user_compute_stream=4096 use_tf32=0 cudnn_conv_algo_search=EXHAUSTIVE"));
    }

    [Test]
    public void TheCudaProbeIsAConvolutionThatRuns()
    {
        byte[] probe = OrtSessionFactory.CudaProbeModel();
        var model = Onnx.ModelProto.Parser.ParseFrom(probe);
        Assert.That(model.Graph.Node.Select(n => n.OpType), Is.EqualTo(new[] { "Conv" }), "cuDNN loads only for a convolution");

        using var session = OrtSessionFactory.Create(ExecutionDevice.Cpu, new OrtSessionSettings(1)).CreateSession(probe, "probe");
        var input = new DenseTensor<float>(Enumerable.Range(0, 64).Select(i => (float)i).ToArray(), [1, 1, 8, 8]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", input)]);
        var output = results.Single().AsTensor<float>();
        // A 3x3 mean with zero padding: an inner pixel is the mean of its neighbourhood (which is its own value here).
        Assert.That(output[0, 0, 3, 3], Is.EqualTo(27f).Within(1e-4f));
        Assert.That(output[0, 0, 0, 0], Is.EqualTo((0f + 1 + 8 + 9) / 9).Within(1e-4f));
    }
}
