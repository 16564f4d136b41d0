using System.Text;
using ClipLit.Engine.Models;

namespace ClipLit.Bench.Distill;

/// <summary>
/// Writes <see cref="DistillBenchResult"/> as its section of docs/benchmarks.md, with its silhouette crop and distillation curve.
/// Thread-safety: stateless.
/// </summary>
public static class DistillReport
{
    /// <summary>How many times the crop is enlarged.</summary>
    private const int CropScale = 2;

    public static ReportSection Write(DistillBenchResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        var student = result.Student;
        var images = new List<ReportImage>();
        var md = MarkdownText.Section("## Fast quality from a distilled student", "distill", result.Date, $"{result.Machine}; {result.Threads} threads");
        md.AppendLine(inv, $"Student: `{student.FileName}` ({student.Architecture}; distilled from {student.TeacherName}; {student.Training}).");
        md.AppendLine(inv, $"Its own validation: {student.Validation}.");
        md.AppendLine();
        Quality(result, md);
        if (result.Crop is { } crop) images.Add(SilhouetteCrop(crop, result.Section, md));
        NetworkRates(result.NetworkRates, md);
        VideoRuns(result, md);
        PhotoProcess(result, md);
        if (result.Curve is { } curve) images.Add(DistillationCurve(curve, result.Section, result.Machine.Brief, md));
        return new ReportSection(result.Section, md.ToString(), images);
    }

    private static string Name(FastVariant variant) => variant switch
    {
        FastVariant.Student => "**student**",
        FastVariant.StudentStill => "**student, photo scale**",
        _ => "teacher at 256",
    };

    private static void Quality(DistillBenchResult result, StringBuilder md)
    {
        var inv = CultureInfo.InvariantCulture;
        md.Heading("### Quality against the teacher at full resolution (held-out material)");
        md.AppendLine("Each picture is enhanced four ways through the same frame path `cliplit enhance` takes: the paper's");
        md.AppendLine("network at full resolution (the reference), fast quality without a student (the network on a copy");
        md.AppendLine("with a 256-pixel long side, edge-aware upsampling), the student at its own scale (as videos and the");
        md.AppendLine(inv, $"live view run it) and at its photo scale ({StudentModel.StillScaleFactor:0.##} times its own, as `enhance` runs photos), both");
        md.AppendLine("upsampled bilinearly. Figures: PSNR (RGB, dB), edge PSNR (within 4 px of strong input edges) and SSIM (luma)");
        md.AppendLine("against the reference, mean / worst, on the six backlit photos (at their own size, as the golden");
        md.AppendLine("512-pixel inputs, at a 640-pixel long side, and at 640 with their linear light scaled by 0.35, as a dim");
        md.AppendLine(inv, $"room gives) and the shared clip (every {DistillBench.ClipFrameStep}th frame and the first frame of each scene). {SeenOrNot(result.RunSources)}");
        md.AppendLine();
        md.TableHeader("material", "n", "fast quality", "PSNR", "edge PSNR", "SSIM", "frames >= 38 dB");
        foreach (var (set, variant, list) in result.Quality)
        {
            string above = set == "clip" ? $"{list.Count(s => s.Scores.Psnr >= 38)} of {list.Count}" : "";
            md.AppendLine(inv, $"| {set} | {list.Count} | {Name(variant)} | {Figures.MeanAndWorst(list.Select(s => s.Scores.Psnr), "F2")} | {Figures.MeanAndWorst(list.Select(s => s.Scores.EdgePsnr), "F2")} | {Figures.MeanAndWorst(list.Select(s => s.Scores.Ssim), "F4")} | {above} |");
        }
        md.AppendLine();
        var photos = result.Quality.Where(g => g.Set == "photos").ToDictionary(g => g.Variant, g => g.Scores);
        md.AppendLine("Per photo (PSNR, teacher at 256 → student → student at the photo scale): " + string.Join("; ",
            photos[FastVariant.Teacher256].Zip(photos[FastVariant.Student], photos[FastVariant.StudentStill])
                .Select(p => string.Create(inv, $"{p.First.Name} {p.First.Scores.Psnr:F1} → {p.Second.Scores.Psnr:F1} → {p.Third.Scores.Psnr:F1}"))) + ".");
        md.AppendLine();
    }

    /// <summary>Whether the student learnt from this material, from its run's sources.</summary>
    private static string SeenOrNot(IReadOnlyList<string>? sources)
    {
        if (sources is null) return "Whether the student learnt from this material: see its training line above (no run folder given).";
        bool photos = sources.Any(s => s.Contains("backlit", StringComparison.Ordinal) && !s.EndsWith(".mp4", StringComparison.Ordinal));
        bool clip = sources.Any(s => s.EndsWith("backlit_720p30.mp4", StringComparison.Ordinal));
        string Say(bool seen) => seen ? "**seen in training**" : "held out (never seen)";
        return $"From its run's sources ({string.Join(", ", sources.Select(Path.GetFileName))}): the backlit photos are {Say(photos)}, the clip is {Say(clip)}.";
    }

    private static ReportImage SilhouetteCrop(DistillCrop crop, string section, StringBuilder md)
    {
        int size = crop.Crops[0].Size;
        md.AppendLine(CultureInfo.InvariantCulture, $"Silhouette crop of {crop.Photo} ({crop.Width}x{crop.Height}) at ({crop.X}, {crop.Y}), {size}x{size} shown {CropScale}x, where strong edges meet the largest errors of today's fast quality: teacher at full resolution | teacher at 256 | student.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"![silhouette crop: full | teacher at 256 | student](images/{section}-silhouette.png)");
        md.AppendLine();
        return new ReportImage($"{section}-silhouette.png", CropPanel.Png(crop.Crops, CropScale));
    }

    private static void NetworkRates(IReadOnlyList<DistillNetworkRate> rates, StringBuilder md)
    {
        var inv = CultureInfo.InvariantCulture;
        md.Heading("### The network alone, for a 720p frame");
        md.TableHeader("network", "input", "GFLOP", "light maps / s (median)");
        foreach (var (variant, w, h, gflop, rate) in rates)
            md.AppendLine(inv, $"| {Name(variant)} | {w}x{h} | {gflop:F2} | {rate:F1} |");
        md.AppendLine();
        md.AppendLine("GFLOP: the teacher at 555 kFLOP per pixel; the student from its architecture (convolutions only).");
        md.AppendLine();
    }

    private static void VideoRuns(DistillBenchResult result, StringBuilder md)
    {
        var inv = CultureInfo.InvariantCulture;
        double baseline = result.BaselineFramesPerSecond;
        var fps = result.VideoRuns.ToDictionary(r => r.Variant, r => r.FramesPerSecond);
        md.Heading("### Videos in fast quality (shared 720p clip, file to file, each frame its own light map)");
        md.AppendLine(inv, $"The naive baseline (ffmpeg + the paper's network in PyTorch 1.13 on every full frame, `bench/pytorch_video_baseline.py`) ran at {baseline:F3} fps on {result.BaselineFrames} frames in the same run.");
        md.AppendLine();
        md.TableHeader("fast quality", "frames", "fps", "output change", "gain jitter", "cuts found");
        foreach (var run in result.VideoRuns)
            md.AppendLine(string.Create(inv, $"| {Name(run.Variant)} | {run.Frames} | {run.FramesPerSecond:F1} | {run.OutputChange:F4} | {run.GainJitter:F5} | {string.Join(", ", run.Cuts)} |"));
        md.AppendLine();
        md.AppendLine(inv, $"Against the naive baseline: student **{fps[FastVariant.Student] / baseline:F0}x**, teacher at 256 {fps[FastVariant.Teacher256] / baseline:F0}x.");
        md.AppendLine();
        double transcode = result.TranscodeFramesPerSecond;
        md.AppendLine(inv, $$"""
            The ceiling here: ffmpeg alone, decoding the clip and encoding it as ClipLit's videos are (H.264 CRF 18,
            x264's default preset, audio copied) with nothing in between, ran at {{transcode:F1}} fps in the same run:
            {{transcode / baseline:F0}}x the baseline. The student's run reached {{fps[FastVariant.Student] / transcode:P0}} of it.
            """);
        md.AppendLine();
    }

    private static void PhotoProcess(DistillBenchResult result, StringBuilder md)
    {
        var inv = CultureInfo.InvariantCulture;
        md.Heading("### A 2048x1536 photo in fast quality, whole process");
        md.TableHeader("`cliplit enhance`", "wall s (median)", "peak MiB");
        foreach (var (name, run) in result.PhotoProcess)
            md.AppendLine(inv, $"| {name} | {run.Wall.Median:F2} | {run.PeakMiB:F0} |");
        md.AppendLine();
    }

    /// <summary>The curve as a table and a plot.</summary>
    private static ReportImage DistillationCurve(DistillCurve curve, string section, string machine, StringBuilder md)
    {
        var inv = CultureInfo.InvariantCulture;
        var points = curve.Points;
        md.Heading("### Distillation: validation PSNR against wall time");
        md.AppendLine(inv, $"From the run that made the student (`{curve.Run}/history.csv`): PSNR of the student's output against the teacher's on its held-out validation views, scored at full resolution with bilinear upsampling, against training time on the machine that made the run (this report's: {machine}; the teacher's labels come first and are not counted: about 8 s per 1080p view on 2 cores, once per run folder).");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"![validation PSNR against minutes: mean (blue), worst (red)](images/{section}-curve.png)");
        md.AppendLine();
        md.TableHeader("iteration", "minutes", "val PSNR mean", "val PSNR worst");
        int every = Math.Max(1, points.Count / 12);
        foreach (var p in points.Where((_, i) => i % every == 0 || i == points.Count - 1))
            md.AppendLine(inv, $"| {p.Iteration} | {p.Minutes:F1} | {p.Mean:F2} | {p.Worst:F2} |");
        md.AppendLine();
        return new ReportImage($"{section}-curve.png", CurvePlot.Png(points.Select(p => (p.Minutes, p.Mean)).ToList(), points.Select(p => (p.Minutes, p.Worst)).ToList()));
    }
}
