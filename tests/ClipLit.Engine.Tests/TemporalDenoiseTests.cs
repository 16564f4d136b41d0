using ClipLit.Core.Imaging;
using ClipLit.Engine.Gpu;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Tests;

/// <summary>
/// The denoise over time on a real backlit photo with fresh camera-like noise every frame (level 3
/// of <see cref="SensorNoise"/>), held still and panned 8 pixels a frame, measured against the
/// output of the clean frames: each frame denoised with the frames before it against the same frame
/// denoised on its own (a one-frame video: the spatial part alone). Still, the history averages the
/// noise away; panned, it is fetched through the frame's motion, so it still helps and smears no edge.
/// </summary>
[TestFixture]
public sealed class TemporalDenoiseTests
{
    private const int Width = 384;
    private const int Height = 216;
    private const int Frames = 8;

    [TestCase(0, 2.0, 1.0)]
    [TestCase(8, 1.0, 0.5)]
    public async Task TheHistoryLowersTheNoiseAndSmearsNothingThatMoves(int panPerFrame, double gainAtLeast, double edgeGainAtLeast)
    {
        var photo = QuarterPhoto(out int photoWidth);
        var clean = Enumerable.Range(0, Frames).Select(k => Crop(photo, photoWidth, 24 + panPerFrame * k, 40)).ToList();
        var (a, b) = SensorNoise.Levels[2];
        var noisy = clean.Select((frame, k) => SensorNoise.Add(frame, a, b, seed: 100 + k)).ToList();

        using var device = new VkComputeDevice(new VkDeviceOptions(VkValidation.Required, null));
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        using var tensors = new HostMappedTensors(estimator);

        async Task<List<byte[]>> Enhance(IReadOnlyList<byte[]> frames, float denoise)
        {
            var outputs = new List<byte[]>();
            var options = VideoEnhanceOptions.Default with { Quality = EnhanceQuality.Fast, FastLongSide = 128, Denoise = denoise };
            await new VideoEnhancer(device, tensors, options).EnhanceAsync(new RepeatingFrameSource(frames, Width, Height, frames.Count), new VideoEnhancerTests.DiscardingSink(),
                null, CancellationToken.None, (_, _, output) => outputs.Add(output.ToArray()));
            return outputs;
        }

        var reference = await Enhance(clean, 0f);
        var together = await Enhance(noisy, GainAwareDenoise.Auto);
        var alone = new List<byte[]>();
        foreach (var frame in noisy) alone.AddRange(await Enhance([frame], GainAwareDenoise.Auto));
        var noisyOff = await Enhance(noisy, 0f);

        // From the third frame: the history has had two frames to build up. Measured: still +2.4 dB (edges
        // +2.4), panned +1.6 dB (edges +1.7) over each frame alone.
        var settled = Enumerable.Range(2, Frames - 2).ToList();
        double Mean(List<byte[]> outputs, bool atEdges) => settled.Average(k => atEdges
            ? FrameMetrics.Psnr(outputs[k], reference[k], FrameMetrics.EdgeBand(clean[k], Width, Height))
            : FrameMetrics.Psnr(outputs[k], reference[k]));
        double off = Mean(noisyOff, false), spatial = Mean(alone, false), temporal = Mean(together, false);
        double spatialEdges = Mean(alone, true), temporalEdges = Mean(together, true);
        TestContext.Out.WriteLine($"pan {panPerFrame} px a frame: against the clean frames' output, off {off:F2} dB, each frame alone {spatial:F2} dB, "
                                  + $"with the frames before {temporal:F2} dB; at edges alone {spatialEdges:F2} dB, with the frames before {temporalEdges:F2} dB");

        Assert.That(spatial, Is.Not.NaN.And.GreaterThan(off + 2), "the spatial part removes noise on its own");
        Assert.That(temporal, Is.Not.NaN.And.GreaterThan(spatial + gainAtLeast), "the history lowers the noise further");
        Assert.That(temporalEdges, Is.Not.NaN.And.GreaterThan(spatialEdges + edgeGainAtLeast), "edges keep (nothing moving smears)");
        Assert.That(together[0].AsSpan().SequenceEqual(alone[0]), "the first frame has no history: it is denoised on its own");
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", device.ValidationMessages));
    }

    /// <summary>A shared backlit photo (2048x1233) box-averaged to a quarter of its size, RGBA8.</summary>
    private static byte[] QuarterPhoto(out int width)
    {
        using var image = StillImageReader.Read(Path.Combine(SharedData.BacklitPhotos, "91_51094235055_o.jpg"));
        var rgba = new byte[4 * image.Width * image.Height];
        image.CopyPixelsTo(rgba);
        width = image.Width / 4;
        int height = image.Height / 4;
        var quarter = new byte[4 * width * height];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 4; c++)
                {
                    int sum = 0;
                    for (int dy = 0; dy < 4; dy++)
                        for (int dx = 0; dx < 4; dx++)
                            sum += rgba[4 * ((4 * y + dy) * image.Width + 4 * x + dx) + c];
                    quarter[4 * (y * width + x) + c] = (byte)((sum + 8) / 16);
                }
        return quarter;
    }

    private static byte[] Crop(byte[] photo, int photoWidth, int left, int top)
    {
        var frame = new byte[4 * Width * Height];
        for (int y = 0; y < Height; y++)
            photo.AsSpan(4 * ((top + y) * photoWidth + left), 4 * Width).CopyTo(frame.AsSpan(4 * y * Width));
        return frame;
    }
}
