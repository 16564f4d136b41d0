using System.Globalization;
using ClipLit.Core.Imaging;
using ClipLit.Trainer.Training;
using ClipLit.VideoIO.Images;

namespace ClipLit.Trainer.Distillation;

/// <summary>Validation figures over the held-out views at full resolution.</summary>
public sealed record ValidationScore(double PsnrMean, double PsnrWorst, double SsimMean, int Views)
{
    /// <summary>The figures in one line, as the console, student.onnx's metadata and the run's best say them.</summary>
    public string Describe(int iteration) =>
        string.Create(CultureInfo.InvariantCulture,
            $"psnr {PsnrMean:F2} dB mean, {PsnrWorst:F2} worst; ssim {SsimMean:F4} ({Views} held-out views, iteration {iteration})");
}

/// <summary>
/// The student against the teacher on the held-out views, each at its full resolution: the student's
/// light map upsampled bilinearly to the view's size, clamp(I / L), PSNR and SSIM against the
/// teacher's result. On request the first two views are written as teacher | student samples.
/// Thread-safety: one thread (it runs the network). Ownership: owns the held-out views; not the
/// network or the log.
/// </summary>
public sealed class StudentValidation(IReadOnlyList<LabelledView> views, StudentNetwork network, RunFolder run, DistillationLog log) : IDisposable
{
    private const int SampledViews = 2;

    public int Count => views.Count;

    /// <summary>The figures of the network as it is at <paramref name="iteration"/>; samples go to samples/iter_N.</summary>
    public ValidationScore Score(int iteration, bool writeSamples = false)
    {
        var psnr = new List<double>();
        var ssim = new List<double>();
        string folder = run.SampleFolder(iteration);
        for (int i = 0; i < views.Count; i++)
        {
            var view = views[i];
            byte[] student = Enhance(view);
            // Capped: a view the student matches exactly would make the mean infinite.
            psnr.Add(Math.Min(FrameMetrics.Psnr(student, view.TeacherRgba!), 99));
            ssim.Add(FrameMetrics.Ssim(student, view.TeacherRgba!, view.Width, view.Height));
            if (writeSamples && i < SampledViews) WriteSample(folder, view, student, iteration);
        }
        return new ValidationScore(psnr.Average(), psnr.Min(), ssim.Average(), psnr.Count);
    }

    /// <summary>The view enhanced with the student: its light map upsampled bilinearly to the view's size, clamp(I / L, 0, 1), rounded as the runtime rounds.</summary>
    private byte[] Enhance(LabelledView view)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var light = network.LightMap(view.Input);
        var upsampled = functional.interpolate(light, [view.Height, view.Width], mode: InterpolationMode.Bilinear, align_corners: false);
        var rgba = tensor(view.ViewRgba!, [view.Height, view.Width, 4]);
        var image = rgba[.., .., ..3].permute(2, 0, 1).unsqueeze(0).to(float32) / 255f;
        var enhanced = (image / upsampled).nan_to_num(0).clamp(0, 1);
        var bytes = (enhanced.squeeze(0).permute(1, 2, 0) * 255f + 0.5f).floor().clamp(0, 255).to(ScalarType.Byte);
        return cat([bytes, rgba[.., .., 3..]], 2).contiguous().data<byte>().ToArray();
    }

    /// <summary>Teacher | student side by side, half size, as PNG and a TensorBoard image.</summary>
    private void WriteSample(string folder, LabelledView view, byte[] student, int iteration)
    {
        Directory.CreateDirectory(folder);
        using var scope = NewDisposeScope();
        Tensor Half(byte[] rgba) => functional.interpolate(tensor(rgba, [view.Height, view.Width, 4]).permute(2, 0, 1).unsqueeze(0).to(float32),
            [Math.Max(1, view.Height / 2), Math.Max(1, view.Width / 2)], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        var pair = cat([Half(view.TeacherRgba!), Half(student)], 3).squeeze(0).permute(1, 2, 0).round().clamp(0, 255).to(ScalarType.Byte).contiguous();
        string png = Path.Combine(folder, view.Name + ".png");
        using (var image = StillImage.FromRgba(png, pair.data<byte>().ToArray(), (int)pair.shape[1], (int)pair.shape[0]))
            StillImageWriter.Write(image, png, StillImageWriteOptions.Default);
        log.Sample(view.Name, png, iteration);
    }

    public void Dispose()
    {
        foreach (var view in views) view.Dispose();
    }
}
