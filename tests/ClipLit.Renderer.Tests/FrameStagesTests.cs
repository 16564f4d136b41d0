using System.Runtime.InteropServices;
using ClipLit.Renderer.Passes;

namespace ClipLit.Renderer.Tests;

/// <summary>
/// The frame stages' two implementations held to each other: the compute shaders and their CPU
/// twins, through one <see cref="FrameRenderer"/> API each, on the same frames of a real photo
/// panning, the same light maps, weights and motion (restart, blend following motion, a late map
/// fetched through its own motion, a held average, the split view, strengths below and above 1,
/// strength 0, which must give the input back exactly, and the gain-aware denoise on a frame with
/// sensor noise added).
/// </summary>
[TestFixture]
public sealed class FrameStagesTests : DeviceFixture
{
    private static IEnumerable<TestCaseData> Layouts()
    {
        var cases = new (FrameLayout Layout, string Name)[]
        {
            (FrameLayout.For(2, 2, EnhanceQuality.Full), "2x2 full"),
            (FrameLayout.For(3, 5, EnhanceQuality.Full), "3x5 full"),
            (FrameLayout.For(317, 181, EnhanceQuality.Full), "317x181 full"),
            // Whole vectors to the right edge: the last one's neighbours past it are the edge column again.
            (FrameLayout.For(160, 96, EnhanceQuality.Full), "160x96 full"),
            (FrameLayout.Downscaled(3, 5, 2, 3), "3x5 to 2x3 edge-aware"),
            (FrameLayout.For(1921, 1081, EnhanceQuality.Fast), "1921x1081 to 256x144 edge-aware"),
            (FrameLayout.For(1921, 1081, EnhanceQuality.Fast, upsample: UpsampleMode.Bilinear), "1921x1081 to 256x144 bilinear"),
            (FrameLayout.Downscaled(1281, 719, 97, 55), "1281x719 to 97x55 edge-aware"),
        };
        foreach (var (layout, name) in cases)
            foreach (int bits in new[] { 8, 16 })
                yield return new TestCaseData(layout with { BitsPerChannel = bits }).SetArgDisplayNames($"{name}, {bits} bits");
    }

    [TestCaseSource(nameof(Layouts))]
    public void CpuTwinsEqualTheShadersWithinOneLevel(FrameLayout layout)
    {
        using var shaders = new FrameRenderer(Device, layout, 1, stages: FrameStages.Vulkan);
        using var twins = new FrameRenderer(Device, layout, 1, stages: FrameStages.Cpu);
        Assert.That((shaders.Stages, twins.Stages), Is.EqualTo((FrameStages.Vulkan, FrameStages.Cpu)));
        var (gpu, cpu) = (shaders.Slots[0], twins.Slots[0]);
        int n = layout.NetworkPixels;
        // Each frame: (pan in pixels, weight, motion, the map's own motion, split column, strength, denoise).
        // Denoised frames after the first of an amount take the denoise's history (no cut between them
        // here): through the motion where there is one, as it is for the same frame again (the last).
        var frames = new (int Pan, float Weight, bool Motion, bool MapMotion, int Split, float Strength, float Denoise)[]
        {
            (0, 1f, false, false, 0, 1f, 0f),
            (3, 0.5f, true, false, 0, 0.6f, 0f),
            (7, 0.4f, true, true, 0, 1f, 0f),
            // The live view's default: each new map alone, carried to the frame shown by its own motion.
            (8, 1f, true, true, 0, 1f, 0f),
            (9, 0f, true, false, 0, 1.7f, 0f),
            (9, 0f, false, false, layout.Width / 2, 1f, 0f),
            (11, 1f, true, false, 0, 0f, 0f),
            (13, 1f, true, false, 0, 1f, 1f),
            (13, 0f, false, false, 0, 0.6f, 2f),
            (15, 0f, true, false, 0, 1f, 2f),
            (15, 0f, false, false, layout.Width / 3, 1f, 2f),
            (17, 0f, true, false, 0, 1.4f, 2f),
            (17, 0f, false, false, 0, 1f, 2f),
        };
        for (int index = 0; index < frames.Length; index++)
        {
            var (pan, weight, motion, mapMotion, split, strength, denoise) = frames[index];
            bool again = index == frames.Length - 1;
            string step = $"pan {pan}, weight {weight}, motion {motion}, map motion {mapMotion}, split {split}, strength {strength}, denoise {denoise}{(again ? ", the same frame again" : "")}";
            var input = Frame(layout, pan);
            if (denoise > 0f) AddNoise(input, layout, seed: pan);
            input.CopyTo(gpu.InputBytes.Span);
            input.CopyTo(cpu.InputBytes.Span);
            shaders.PreProcess(gpu);
            twins.PreProcess(cpu);
            AssertClose(cpu.NetworkInput.Span, gpu.NetworkInput.Span, 1e-5f, $"network input ({step})");
            AssertClose(cpu.Thumbnail, gpu.Thumbnail, 1e-5f, $"thumbnail ({step})");

            // A light map with the structure of a real one: darker where the frame is dark, from the frame itself.
            var planes = gpu.NetworkInput.Span;
            for (int i = 0; i < n; i++)
            {
                float l = 0.12f + 0.85f * Math.Max(planes[i], Math.Max(planes[n + i], planes[2 * n + i])) * (i % 7 == 0 ? 0.9f : 1f);
                gpu.NetworkLightMap.Span[i] = l;
                cpu.NetworkLightMap.Span[i] = l;
            }
            foreach (var slot in new[] { gpu, cpu })
            {
                slot.TemporalWeight = weight;
                slot.FrameIndex = again ? index - 1 : index;
                slot.HasMotion = motion;
                slot.MotionKnown = motion;
                slot.MotionIsStill = false;
                slot.HasMapMotion = mapMotion;
                // The picture moved left by the pan since the frame before: each pixel was further right.
                for (int i = 0; i < slot.Motion.Length; i += 2)
                {
                    // Varying from field pixel to field pixel, so each pixel's own is looked up.
                    slot.Motion[i] = (3f + (i / 2) % 3) / layout.MotionFactor;
                    slot.Motion[i + 1] = 0.25f + (i / 2) % 5 * 0.3f;
                    slot.MapMotion[i] = 5f / layout.MotionFactor;
                    slot.MapMotion[i + 1] = -0.5f;
                }
            }
            shaders.SplitColumn = split;
            twins.SplitColumn = split;
            (shaders.Strength, twins.Strength) = (strength, strength);
            (shaders.Denoise, twins.Denoise) = (denoise, denoise);
            shaders.Compose(gpu);
            twins.Compose(cpu);
            AssertWithinOneLevel(layout, cpu.OutputBytes.Span, gpu.OutputBytes.Span, step);
            Assert.That(twins.LastNoise, Is.EqualTo(shaders.LastNoise), "one estimate for both");
            if (denoise > 0f && layout.Width >= 16 && layout.Height >= 16)
                Assert.That(shaders.LastNoise.IsNone, Is.False, $"noise found in the noisy frame ({step})");
            if (strength == CorrectionStrength.None)
            {
                Assert.That(gpu.OutputBytes.Span.SequenceEqual(input), "strength 0: the shaders give the input back exactly");
                Assert.That(cpu.OutputBytes.Span.SequenceEqual(input), "strength 0: the twins give the input back exactly");
            }
        }
    }

    [Test]
    public void TheDenoisesHistoryServesTheNextFrameOrTheSameOneAgainOnly([Values] FrameStages stages)
    {
        var layout = FrameLayout.For(320, 180, EnhanceQuality.Fast);
        // Frames by index, each with noise of its own (a still picture but for frame 20, moved).
        byte[] Run(params int[] frameIndices)
        {
            using var renderer = new FrameRenderer(Device, layout, 1, stages: stages) { Denoise = GainAwareDenoise.Auto };
            var slot = renderer.Slots[0];
            foreach (int frameIndex in frameIndices)
            {
                var input = Frame(layout, frameIndex == 20 ? 4 : 0);
                AddNoise(input, layout, seed: frameIndex);
                input.CopyTo(slot.InputBytes.Span);
                renderer.PreProcess(slot);
                var planes = slot.NetworkInput.Span;
                int n = layout.NetworkPixels;
                for (int i = 0; i < n; i++) slot.NetworkLightMap.Span[i] = 0.12f + 0.85f * Math.Max(planes[i], Math.Max(planes[n + i], planes[2 * n + i]));
                slot.FrameIndex = frameIndex;
                renderer.Compose(slot);
            }
            Assert.That(Device.ValidationErrorCount, Is.Zero, string.Join("\n", Device.ValidationMessages));
            return slot.OutputBytes.ToArray();
        }

        // (The noise is estimated on the first frame of each run and kept for the next seven.)
        Assert.That(Run(10, 11).AsSpan().SequenceEqual(Run(11)), Is.False, "the next frame takes the history (a still picture: its noise averages)");
        // Again, from the history kept at 16 bits a channel: within a level of what it showed (the same level but for roundings at a half).
        var (again, once) = (Run(10, 11, 12, 12), Run(10, 11, 12));
        int apart = again.Where((v, i) => v != once[i]).Count();
        TestContext.Out.WriteLine($"the same frame again: {apart} of {again.Length} channels a level apart");
        Assert.That(again.Select((v, i) => Math.Abs(v - once[i])).Max(), Is.LessThanOrEqualTo(1), "the same frame again shows what it showed");
        Assert.That(apart, Is.LessThan(again.Length / 200), "the same frame again shows what it showed (99.5 % of the channels exactly; measured 99.9 %)");
        Assert.That(again.AsSpan().SequenceEqual(Run(10, 11, 12, 13)), Is.False, "a new frame is not taken for the same one");
        Assert.That(Run(10, 11, 12, 20).AsSpan().SequenceEqual(Run(10, 20)), "after a gap the history is too old: the frame stands alone");
    }

    [Test]
    public void AStrengthOutsideZeroToTheMaximumIsRefused()
    {
        using var renderer = new FrameRenderer(Device, FrameLayout.For(8, 6, EnhanceQuality.Full), 1, stages: FrameStages.Cpu);
        Assert.That(renderer.Strength, Is.EqualTo(CorrectionStrength.Paper), "the paper's output unless asked");
        foreach (float bad in new[] { -0.1f, CorrectionStrength.Max + 0.01f, float.NaN, float.PositiveInfinity })
            Assert.Throws<ArgumentOutOfRangeException>(() => renderer.Strength = bad, bad.ToString());
        renderer.Strength = CorrectionStrength.Max;
        Assert.That(renderer.Strength, Is.EqualTo(CorrectionStrength.Max));
        Assert.That(CorrectionStrength.Parse("0.6"), Is.EqualTo(0.6f));
        Assert.That(new[] { "-1", "2.5", "NaN", "x", "" }.Select(CorrectionStrength.Parse), Is.All.Null);
        Assert.That(CorrectionStrength.Step(0.95f, 0.1f), Is.EqualTo(1.1f).Within(1e-6f));
        Assert.That(CorrectionStrength.Step(0.05f, -0.1f), Is.EqualTo(0f));
        Assert.That(CorrectionStrength.Step(1.95f, 0.1f), Is.EqualTo(CorrectionStrength.Max));
    }

    [Test]
    public void AutoTakesTheTwinsOnACpuDeviceWithHostTensors()
    {
        Assert.That(FrameStagesChoice.Resolve(FrameStages.Auto, deviceIsCpu: true, tensorsOnHost: true), Is.EqualTo(FrameStages.Cpu));
        Assert.That(FrameStagesChoice.Resolve(FrameStages.Auto, deviceIsCpu: false, tensorsOnHost: true), Is.EqualTo(FrameStages.Vulkan));
        Assert.That(FrameStagesChoice.Resolve(FrameStages.Cpu, deviceIsCpu: true, tensorsOnHost: false), Is.EqualTo(FrameStages.Vulkan), "tensors in CUDA's memory");
        Assert.That(FrameStagesChoice.Resolve(FrameStages.Vulkan, deviceIsCpu: true, tensorsOnHost: true), Is.EqualTo(FrameStages.Vulkan));
        Assert.That(FrameStagesChoice.Parse(" CPU "), Is.EqualTo(FrameStages.Cpu));
        var error = Assert.Throws<ArgumentException>(() => FrameStagesChoice.Parse("gpu"))!;
        Assert.That(error.Message, Is.EqualTo("CLIPLIT_STAGES=gpu: expected auto, cpu or vulkan"));
        // A value with a newline or of any length stays one short line.
        Assert.That(Assert.Throws<ArgumentException>(() => FrameStagesChoice.Parse("cpu\nrm -rf /"))!.Message, Is.EqualTo("CLIPLIT_STAGES=\"cpu\\nrm -rf /\": expected auto, cpu or vulkan"));
        Assert.That(Assert.Throws<ArgumentException>(() => FrameStagesChoice.Parse(new string('x', 5000)))!.Message, Has.Length.LessThan(100));
        if (Environment.GetEnvironmentVariable(FrameStagesChoice.Variable) is null)
        {
            using var renderer = new FrameRenderer(Device, FrameLayout.For(64, 48, EnhanceQuality.Full), 1, stages: FrameStages.Auto);
            Assert.That(renderer.Stages, Is.EqualTo(Device.IsCpu ? FrameStages.Cpu : FrameStages.Vulkan), Device.Name);
        }
    }

    /// <summary>The shared photo, panned left by <paramref name="pan"/> pixels, at the layout's depth (16 bits: spread over the range with varied low bits).</summary>
    private static byte[] Frame(FrameLayout layout, int pan)
    {
        var pixels = PixelPassTests.RealPixels(layout.Width + pan, layout.Height);
        var frame = new byte[layout.FrameBytes];
        for (int y = 0; y < layout.Height; y++)
            for (int x = 0; x < layout.Width; x++)
                for (int c = 0; c < 4; c++)
                {
                    byte v = pixels[4 * (y * (layout.Width + pan) + x + pan) + c];
                    int i = 4 * (y * layout.Width + x) + c;
                    if (layout.BitsPerChannel == 8) frame[i] = v;
                    else MemoryMarshal.Cast<byte, ushort>(frame.AsSpan())[i] = (ushort)(v * 257 + (i * 131) % 257);
                }
        return frame;
    }

    /// <summary>Sensor-like noise on every colour channel, from the seed: about 6 levels at 8 bits (and as much at 16), reproducible.</summary>
    private static void AddNoise(byte[] frame, FrameLayout layout, int seed)
    {
        var random = new Random(seed);
        var words = MemoryMarshal.Cast<byte, ushort>(frame.AsSpan());
        int channels = 4 * layout.Width * layout.Height;
        for (int i = 0; i < channels; i++)
        {
            if (i % 4 == 3) continue;
            double noise = 6 * (random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 2;
            if (layout.BitsPerChannel == 8) frame[i] = (byte)Math.Clamp(frame[i] + (int)Math.Round(noise), 0, 255);
            else words[i] = (ushort)Math.Clamp(words[i] + (int)Math.Round(257 * noise), 0, 65535);
        }
    }

    private static void AssertClose(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, float tolerance, string what)
    {
        float worst = 0f;
        for (int i = 0; i < expected.Length; i++)
        {
            float difference = Math.Abs(actual[i] - expected[i]);
            // NaN-proof: a NaN on either side is a failure, not a pass.
            if (!(difference <= tolerance)) Assert.Fail($"{what}: value {i} is {actual[i]} on the CPU, {expected[i]} in the shader");
            worst = Math.Max(worst, difference);
        }
        TestContext.Out.WriteLine($"{what}: worst difference {worst:G3}");
    }

    /// <summary>
    /// Every channel within one 8-bit level (257 at 16 bits), and nearly all of them closer: at 8 bits
    /// equal, at 16 bits within a sixteenth of a level (a float rounding differently moves a 16-bit
    /// value by a unit or two); at most 1 % of the channels (or 2, in a tiny frame) further apart.
    /// </summary>
    private static void AssertWithinOneLevel(FrameLayout layout, ReadOnlySpan<byte> cpu, ReadOnlySpan<byte> gpu, string step)
    {
        bool deep = layout.BitsPerChannel == 16;
        int channels = cpu.Length / (deep ? 2 : 1), apart = 0, worst = 0;
        for (int i = 0; i < channels; i++)
        {
            int a = deep ? BitConverter.ToUInt16(cpu[(2 * i)..]) : cpu[i];
            int b = deep ? BitConverter.ToUInt16(gpu[(2 * i)..]) : gpu[i];
            int difference = Math.Abs(a - b);
            if (difference > (deep ? 16 : 0)) apart++;
            worst = Math.Max(worst, difference);
        }
        TestContext.Out.WriteLine($"{step}: {apart} of {channels} channels apart, worst difference {worst}");
        Assert.That(worst, Is.LessThanOrEqualTo(deep ? 257 : 1), $"output ({step})");
        Assert.That(apart, Is.LessThanOrEqualTo(Math.Max(2, channels / 100)), $"channels apart ({step})");
    }
}
