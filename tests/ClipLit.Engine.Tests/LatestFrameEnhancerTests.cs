using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.TestSupport;

namespace ClipLit.Engine.Tests;

/// <summary>The live view's network worker: busy means refused, only the newest result is kept, and its light map is the network's.</summary>
[TestFixture]
public sealed class LatestFrameEnhancerTests
{
    [Test]
    public void RefusesFramesWhileBusyAndPublishesTheNetworksLightMap()
    {
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        var layout = FrameLayout.For(320, 180, EnhanceQuality.Full);
        var input = new float[3 * layout.NetworkPixels];
        var random = new Random(7);
        for (int i = 0; i < input.Length; i++) input[i] = (float)random.NextDouble();
        using var network = new LatestFrameEnhancer(estimator, layout);

        Assert.That(network.TryOffer(input, frameIndex: 0, temporalWeight: 1f), Is.True);
        Assert.That(network.TryOffer(input, frameIndex: 1, temporalWeight: 0.3f), Is.False, "busy: the frame is refused, not queued");
        network.WaitUntilIdle(CancellationToken.None);
        var lightMap = new float[layout.NetworkPixels];
        Assert.That(network.TryTakeNewest(lightMap, out var finished), Is.True);
        Assert.That((finished.FrameIndex, finished.TemporalWeight), Is.EqualTo((0, 1f)));
        Assert.That(network.TryTakeNewest(lightMap, out _), Is.False, "each light map is taken once");

        var expected = new float[layout.NetworkPixels];
        estimator.Estimate(input, layout.NetworkHeight, layout.NetworkWidth, expected);
        Assert.That(lightMap, Is.EqualTo(expected), "the published light map is the network's for that frame");
    }

    [Test]
    public void ARestartIsNotLostWhenANewerLightMapReplacesIt()
    {
        using var estimator = new LightMapEstimator(ModelLoader.Load(SharedData.EnhancementCheckpoint),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, KeepMemoryBetweenImages = true });
        var layout = FrameLayout.For(64, 36, EnhanceQuality.Full);
        var input = new float[3 * layout.NetworkPixels];
        using var network = new LatestFrameEnhancer(estimator, layout);
        network.TryOffer(input, 0, temporalWeight: 1f); // a cut: the average must restart
        network.WaitUntilIdle(CancellationToken.None);
        network.TryOffer(input, 1, temporalWeight: 0.3f); // finished before anyone took the first
        network.WaitUntilIdle(CancellationToken.None);
        Assert.That(network.TryTakeNewest(new float[layout.NetworkPixels], out var finished), Is.True);
        Assert.That((finished.FrameIndex, finished.TemporalWeight), Is.EqualTo((1, 1f)));
    }
}
