using ClipLit.Engine.Gpu;
using ClipLit.Inference.Runtime;
using ClipLit.Inference.Student;
using ClipLit.Renderer;
using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine.Models;

/// <summary>
/// A student distilled from the paper's network (<c>cliplit distill</c>): an ONNX file run as it is,
/// on a copy of the frame downscaled by the student's own scale (whatever the quality asked), its
/// light map brought to full size bilinearly.
/// Thread-safety: immutable (as every <see cref="LightMapModel"/>).
/// </summary>
public sealed class StudentModel(StudentModelData data) : LightMapModel
{
    public StudentModelData Data { get; } = data;

    public StudentMetadata Metadata => Data.Metadata;

    public override string Source => Data.Source;

    /// <summary>Whether this student was distilled from <paramref name="teacher"/> (the same file, by checksum).</summary>
    public bool IsStudentOf(LightMapModel teacher) => string.Equals(Metadata.TeacherSha256, teacher.Sha256, StringComparison.OrdinalIgnoreCase);

    public override ILightMapEstimator OpenEstimator(EnhancerOptions options) => new StudentEstimator(Data, options);

    public override CudaImportedTensors OpenCudaTensors(VkComputeDevice device, bool? allowTf32 = null, string? profilePrefix = null) =>
        new CudaImportedTensors(Data.OnnxBytes, device, allowTf32 ?? StudentEstimator.Tf32ByDefault, profilePrefix);

    /// <summary>
    /// How much larger than its own scale a student runs on photos. Measured on the default student
    /// (trained at 1/5) against the paper's network at full resolution: at 1.5 times its scale it came
    /// 3 to 4 dB nearer on every set, and both smaller and larger factors did worse (1.25: 0.5 dB less,
    /// 1.75: 1 dB less, 2: 3 dB less). Chosen on its own training photos (data/photos at their size
    /// and at 640 px: 42.7 -> 45.8 dB mean, 31.7 -> 36.6 worst), it held on what it never saw (the
    /// backlit photos at their size, at 1024, 640 and 500 px, and darkened: 39.8 -> 44.1 mean,
    /// 36.0 -> 39.9 worst; frames of the shared clips as photos: 39.3 -> 42.7 mean, 34.7 -> 38.1 worst).
    /// More input pixels give the map more detail and leave less for the bilinear upsampling to blur.
    /// Videos and the live view keep the student's own scale: 1.5 times is 2.25 times the network's
    /// work a frame (file to file 17% slower), which the live budget has no room for.
    /// </summary>
    public const double StillScaleFactor = 1.5;

    /// <summary>The scale a photo runs at: <see cref="StillScaleFactor"/> times the student's own, at most full size.</summary>
    public double StillScale => Math.Min(1, Metadata.InputScale * StillScaleFactor);

    public override FrameLayout LayoutFor(int width, int height, EnhanceQuality quality, int fastLongSide = FrameLayout.DefaultFastLongSide,
        UpsampleMode upsample = UpsampleMode.EdgeAware, bool still = false)
    {
        var (networkWidth, networkHeight) = StudentArchitecture.InputSizeFor(still ? StillScale : Metadata.InputScale, width, height);
        // Bilinear whatever was asked: a student learns the teacher's full-resolution map area-averaged
        // to its size, so bilinear upsampling is what it was trained and validated for. The edge-aware
        // upsampler (a guided filter assuming the map is locally linear in max(R, G, B)) pulled the
        // student's frames of the shared clip from 41.4 to 36.8 dB against the teacher at full size.
        return FrameLayout.Downscaled(width, height, networkWidth, networkHeight, UpsampleMode.Bilinear);
    }
}
