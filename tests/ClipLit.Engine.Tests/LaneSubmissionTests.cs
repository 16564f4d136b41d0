using ClipLit.Engine.Live;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Tests;

/// <summary>
/// How many times a live lane goes to the GPU per frame, counted on the device: one submission (and
/// one wait) for a frame without a cut, whether or not the network takes it or hands a light map back;
/// more only at a scene cut, which is composed again with a light map of its own scene.
/// </summary>
[TestFixture]
public sealed class LaneSubmissionTests : TemporaryFolderFixture
{
    [Test]
    public async Task AFrameWithoutACutTakesOneSubmissionAndACutFrameIsLitByItsOwnScene()
    {
        // 320x180 frames around the shared clip's cut at 2 s (frame 15 here), losslessly coded.
        string clip = TestClips.Make(Path.Combine(Folder, "cut.mkv"), new ClipCut(Start: 1.5, Frames: 30, Lossless: true, Audio: false));
        var video = VideoProbe.Probe(clip);
        using var session = new EnhancerSession(new PaperNetworkModel(ModelLoader.Load(SharedData.EnhancementCheckpoint)),
            EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, SpinWhileWaiting = false }, new VkDeviceOptions(VkValidation.Required, null));
        var layout = new FramePlan(session.Model, Student: null, EnhanceQuality.Fast, FastLongSide: 96).LayoutFor(video.Width, video.Height);
        using var lane = new EnhancerLane(layout, new LoadedModel(session, TimeSpan.Zero), TemporalOptions.Plain);
        await using var reader = new VideoFrameReader(video);
        var device = session.Device;
        var perFrame = new List<long>();
        var litBy = new List<int?>();
        for (int frame = 0; ; frame++)
        {
            if (!(await reader.ReadAsync(lane.Input, CancellationToken.None)).HasFrame) break;
            long before = device.Submissions;
            Assert.That(lane.Step(frame, lockstep: false, waitForFirst: true, CancellationToken.None), Is.True);
            perFrame.Add(device.Submissions - before);
            litBy.Add(lane.LightMapFrame);
        }
        TestContext.Out.WriteLine($"submissions per frame: {string.Join(" ", perFrame)}; lit by: {string.Join(" ", litBy)}");
        Assert.That(perFrame, Has.Count.EqualTo(30));
        Assert.That(lane.Cuts, Is.EqualTo(1), "the clip's one cut");
        const int cut = 15;
        // After the first frame (which waits for the network's first light map on its own), every frame
        // but the cut takes exactly one submission, whatever the network did meanwhile.
        for (int frame = 1; frame < perFrame.Count; frame++)
            if (frame != cut) Assert.That(perFrame[frame], Is.EqualTo(1), $"frame {frame}");
        Assert.That(perFrame[cut], Is.GreaterThan(1), "the cut frame is composed again, with its own light map");
        Assert.That(litBy[cut], Is.EqualTo(cut), "the cut frame is divided by its own light map, not one of the scene before");
        for (int frame = cut; frame < litBy.Count; frame++) Assert.That(litBy[frame], Is.GreaterThanOrEqualTo(cut), $"frame {frame}: a light map of the new scene");
        Assert.That(device.ValidationErrorCount, Is.Zero, string.Join("\n", device.ValidationMessages));
    }
}
