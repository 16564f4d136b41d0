using ClipLit.Inference.Student;
using ClipLit.TestSupport;
using ClipLit.Trainer.Distillation;
using ClipLit.Trainer.Training;
using ClipLit.VideoIO.Images;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace ClipLit.Trainer.Tests;

/// <summary>
/// Distillation's shifted crops (<see cref="PhaseJitter"/>) on a real backlit photo and the paper's
/// own light map of it (PyTorch's, from the golden folder): every draw is the crop at its offset,
/// pooled to the student's size exactly as adaptive average pooling defines it (computed here in
/// plain loops), offsets cover the range, and without jitter the view's stored tensors are used.
/// </summary>
[TestFixture]
public sealed class PhaseJitterTests
{
    private const string Stem = "91_51094235055_o";
    private static readonly StudentArchitecture Architecture = new([16, 32, 48, 64], 0.2);

    [Test]
    public void TheAutomaticJitterIsOneStepOfTheStudentsCoarsestLevel()
    {
        Assert.That(PhaseJitter.Auto(Architecture), Is.EqualTo(40), "3 stride-2 levels at 1/5: 8 x 5 source pixels");
        Assert.That(PhaseJitter.Auto(new StudentArchitecture([4, 8], 0.2)), Is.EqualTo(10));
        Assert.That(PhaseJitter.Auto(new StudentArchitecture([4, 8, 12], 0.25)), Is.EqualTo(16));
        Assert.That(PhaseJitter.For(40, 1280, 720), Is.EqualTo(40));
        Assert.That(PhaseJitter.For(40, 512, 308), Is.EqualTo(38), "at most an eighth of the short side");
        Assert.That(PhaseJitter.For(40, 16, 16), Is.EqualTo(2));
        Assert.That(PhaseJitter.For(40, 7, 9), Is.EqualTo(1), "too small to shift");
    }

    [Test]
    public void EachDrawIsTheCropAtItsOffsetPooledAsTheLabelsAre()
    {
        using var view = RealView();
        int span = PhaseJitter.For(PhaseJitter.Auto(Architecture), view.Width, view.Height);
        int width = view.Width - (span - 1), height = view.Height - (span - 1);
        var (inputWidth, inputHeight) = Architecture.InputSize(width, height);
        byte[] rgb = view.FullView.data<byte>().ToArray();
        float[] light = view.FullLightMap.data<float>().ToArray();
        var offsets = new HashSet<(int, int)>();
        for (int draw = 0; draw < 48; draw++)
        {
            var random = new KeyedRandom(5, 31, draw, 0);
            var jittered = PhaseJitter.Draw(view, PhaseJitter.Auto(Architecture), Architecture, ref random);
            using var input = jittered.Input;
            using var target = jittered.LogTarget;
            Assert.That(jittered.OffsetX, Is.InRange(0, span - 1));
            Assert.That(jittered.OffsetY, Is.InRange(0, span - 1));
            offsets.Add((jittered.OffsetX, jittered.OffsetY));
            Assert.That(input.shape, Is.EqualTo(new long[] { 1, 3, inputHeight, inputWidth }));
            Assert.That(target.shape, Is.EqualTo(new long[] { 1, 1, inputHeight, inputWidth }));

            float[] pooledInput = input.data<float>().ToArray(), pooledTarget = target.data<float>().ToArray();
            double worstInput = 0, worstTarget = 0;
            for (int y = 0; y < inputHeight; y++)
                for (int x = 0; x < inputWidth; x++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        double expected = BinMean(i => rgb[(long)c * view.Width * view.Height + i] / 255.0, view.Width, jittered.OffsetX, jittered.OffsetY, width, height, inputWidth, inputHeight, x, y);
                        worstInput = Math.Max(worstInput, Math.Abs(pooledInput[(c * inputHeight + y) * inputWidth + x] - expected));
                    }
                    double lightMean = BinMean(i => light[i], view.Width, jittered.OffsetX, jittered.OffsetY, width, height, inputWidth, inputHeight, x, y);
                    worstTarget = Math.Max(worstTarget, Math.Abs(pooledTarget[y * inputWidth + x] - Math.Log(Math.Max(lightMean, 1e-3))));
                }
            // NaN-proof: a NaN anywhere makes the worst NaN, and NaN is not in range.
            Assert.That(worstInput, Is.InRange(0, 1e-5), $"input at offset ({jittered.OffsetX}, {jittered.OffsetY})");
            Assert.That(worstTarget, Is.InRange(0, 1e-5), $"log target at offset ({jittered.OffsetX}, {jittered.OffsetY})");
        }
        Assert.That(offsets, Has.Count.GreaterThanOrEqualTo(40), "48 draws over 38 x 38 offsets rarely repeat");
        Assert.That(offsets.Select(o => o.Item1).Distinct().Count(), Is.GreaterThan(span / 2), "horizontal offsets spread over the range");
    }

    [Test]
    public void WithoutJitterTheViewsOwnPooledTensorsAreUsed()
    {
        using var view = RealView();
        var random = new KeyedRandom(5, 31, 0, 0);
        var jittered = PhaseJitter.Draw(view, 0, Architecture, ref random);
        using var input = jittered.Input;
        using var target = jittered.LogTarget;
        Assert.That((jittered.OffsetX, jittered.OffsetY), Is.EqualTo((0, 0)));
        Assert.That(input.data<float>().ToArray(), Is.EqualTo(view.Input.data<float>().ToArray()));
        Assert.That(target.data<float>().ToArray(), Is.EqualTo(view.LogTarget.data<float>().ToArray()));
    }

    /// <summary>Adaptive average pooling's bin (x, y) of the crop at (left, top): rows floor(y·H/h) to ceil((y+1)·H/h), columns alike.</summary>
    private static double BinMean(Func<long, double> value, int stride, int left, int top, int width, int height, int outWidth, int outHeight, int x, int y)
    {
        int y0 = y * height / outHeight, y1 = ((y + 1) * height + outHeight - 1) / outHeight;
        int x0 = x * width / outWidth, x1 = ((x + 1) * width + outWidth - 1) / outWidth;
        double sum = 0;
        for (int row = y0; row < y1; row++)
            for (int column = x0; column < x1; column++)
                sum += value((long)(top + row) * stride + left + column);
        return sum / ((y1 - y0) * (x1 - x0));
    }

    /// <summary>The golden 512-pixel photo with the paper's light map of it, as a labelled view (its pooled tensors at offset 0).</summary>
    private static LabelledView RealView()
    {
        string folder = SharedData.Path("golden", "enhance-512");
        using var photo = StillImageReader.Read(Path.Combine(folder, Stem + ".input.png"));
        int width = photo.Width, height = photo.Height;
        var rgba = new byte[4L * width * height];
        photo.CopyPixelsTo(rgba);
        var lightMap = Npy.ReadFloat32(Path.Combine(folder, Stem + ".lightmap.npy"));
        Assert.That(lightMap.Shape, Is.EqualTo(new long[] { 1, 1, height, width }));
        var (inputWidth, inputHeight) = Architecture.InputSize(width, height);
        var fullView = tensor(rgba, [height, width, 4])[.., .., ..3].permute(2, 0, 1).unsqueeze(0).contiguous();
        var fullLight = tensor(lightMap.Values, [1, 1, height, width]);
        using var image = fullView.to(float32) / 255f;
        using var pooledLight = functional.adaptive_avg_pool2d(fullLight, [inputHeight, inputWidth]);
        return new LabelledView
        {
            Source = new SourceImage(Stem, null, Stem, Stem),
            Recipe = new ViewRecipe(0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 0, 0),
            IsValidation = false,
            Input = functional.adaptive_avg_pool2d(image, [inputHeight, inputWidth]),
            LogTarget = pooledLight.clamp_min(1e-3).log(),
            FullView = fullView,
            FullLightMap = fullLight,
            Width = width,
            Height = height,
        };
    }
}
