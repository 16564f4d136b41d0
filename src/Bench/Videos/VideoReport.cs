using System.Text;
using ClipLit.Renderer.Passes;

namespace ClipLit.Bench.Videos;

/// <summary>
/// Writes <see cref="VideoBenchResult"/> as the video section of docs/benchmarks.md, with its silhouette crops.
/// Thread-safety: stateless.
/// </summary>
public static class VideoReport
{
    /// <summary>How many times the crops are enlarged.</summary>
    private const int CropScale = 2;

    public static ReportSection Write(VideoBenchResult result)
    {
        var md = MarkdownText.Section("## Video: fast and full quality, temporal stability, throughput", "video", result.Date,
            $"{result.Machine}; {result.Threads} threads").AppendLine();
        Quality(result, md);
        var images = Crops(result.Crops, md);
        Temporal(result.Temporal, md);
        Throughput(result, md);
        return new ReportSection("video", md.ToString(), images);
    }

    private static void Quality(VideoBenchResult result, StringBuilder md)
    {
        var inv = CultureInfo.InvariantCulture;
        md.Heading("### Fast quality against full quality");
        md.AppendLine("Fast quality runs the network on a copy of the frame downscaled to the given long side, then brings");
        md.AppendLine("its light map back to full size, bilinearly or edge-aware (fast guided filter guided by the full-size");
        md.AppendLine("frame), before the division. Full quality is the paper's network at full size (faithful). Figures are");
        md.AppendLine("PSNR (RGB, dB) and SSIM (luma) of fast against full, mean / minimum over the 7 golden photos (512 px");
        md.AppendLine("long side, and one at 845 px) and over 4 frames of the shared 720p clip (one per scene). \"edges\" is");
        md.AppendLine("PSNR over the pixels within 4 px of strong edges of the input (Sobel of max(R, G, B) above 0.15):");
        md.AppendLine("silhouettes and their surroundings, where a light map brought up from a small size halos.");
        md.AppendLine();
        md.TableHeader("long side", "upsampler", "photos PSNR", "photos edges", "photos SSIM", "clip PSNR", "clip edges", "clip SSIM");
        foreach (var (side, mode, photos, clip) in result.Quality)
            md.AppendLine(inv, $"| {side} | {(mode == UpsampleMode.EdgeAware ? "edge-aware" : "bilinear")} | {Figures.MeanAndWorst(photos.Select(r => r.Psnr), "F2")} | {Figures.MeanAndWorst(photos.Select(r => r.EdgePsnr), "F2")} | {Figures.MeanAndWorst(photos.Select(r => r.Ssim), "F4")} | {Figures.MeanAndWorst(clip.Select(r => r.Psnr), "F2")} | {Figures.MeanAndWorst(clip.Select(r => r.EdgePsnr), "F2")} | {Figures.MeanAndWorst(clip.Select(r => r.Ssim), "F4")} |");
        md.AppendLine();
        md.AppendLine("Photos whose long side is at most the network's size are not downscaled (identical to full quality).");
        md.AppendLine();
        md.AppendLine(inv, $"The upsamplers by themselves (the full-size light map area-downscaled to 256 and upsampled again, against full quality, photos): bilinear {result.UpsamplerAlone[UpsampleMode.Bilinear]:F2} dB, edge-aware {result.UpsamplerAlone[UpsampleMode.EdgeAware]:F2} dB. The gap to the table is the network's own dependence on scale: run on a smaller image it sees each object over fewer pixels and predicts a somewhat different light map, which no upsampler can undo.");
        md.AppendLine();
        var cells = result.NetworkRates.Select(r => string.Create(inv, $"{r.LongSide} ({r.Width}x{r.Height}): {r.Hertz:F1} Hz"));
        md.AppendLine($"The network alone, for a 720p frame (median of 5 runs, nothing else running): {string.Join("; ", cells)}.");
        md.AppendLine();
    }

    /// <summary>The crops' paragraph, and their panels (full | bilinear | edge-aware) as pictures.</summary>
    private static List<ReportImage> Crops(SilhouetteCrops crops, StringBuilder md)
    {
        int size = crops.Sides[0].Crops[0].Size;
        md.AppendLine(CultureInfo.InvariantCulture, $"Silhouette crops (the {size}x{size} window of the golden photos where strong edges meet large errors of bilinear upsampling at 256: {crops.Photo} at ({crops.X}, {crops.Y}), shown {CropScale}x): full quality | fast bilinear | fast edge-aware.");
        md.AppendLine();
        var images = new List<ReportImage>();
        foreach (var (side, panes) in crops.Sides)
        {
            images.Add(new ReportImage($"silhouette-{side}.png", CropPanel.Png(panes, CropScale)));
            md.AppendLine(CultureInfo.InvariantCulture, $"- long side {side}: ![silhouette crop at {side}](images/silhouette-{side}.png)");
        }
        md.AppendLine();
        return images;
    }

    private static void Temporal(IReadOnlyList<TemporalRow> rows, StringBuilder md)
    {
        var inv = CultureInfo.InvariantCulture;
        md.Heading("### Temporal stability (fast quality, edge-aware)");
        md.AppendLine("- change: mean absolute frame-to-frame change of luma (0..1, frames subsampled 4x, pairs across detected");
        md.AppendLine("  cuts left out), input and output, and their ratio. On moving content the output changes more than the");
        md.AppendLine("  input simply because it is brighter (the light map divides), so the ratio alone does not measure flicker.");
        md.AppendLine("- gain jitter: how far the enhancement's local gain (output over input luma in a 16x9 grid) departs from");
        md.AppendLine("  the mean of the previous and next frames; smooth changes cost nothing, frame-to-frame flicker does.");
        md.AppendLine("- warp error: the output's change on static content, where the identity is the exact warp, so any change");
        md.AppendLine(inv, $"  not caused by the input is flicker. The shared clip pans and zooms throughout (no pair changes less than {FlickerMeter.StaticThreshold}),");
        md.AppendLine("  so a static stretch is made from its frame at 3 s, held for 2 s with temporal noise like a camera's.");
        md.AppendLine("- The shared clip has hard cuts at 2, 4 and 6 s (frames 60, 120, 180); the detector should find exactly those.");
        md.AppendLine();
        md.TableHeader("clip", "smoothing", "input change", "output change", "ratio", "gain jitter", "warp error", "cuts found at frames");
        foreach (var (clip, smoothing, figures, warp, cuts) in rows)
            md.AppendLine(inv, $"| {clip} | {(smoothing ? "on" : "off")} | {figures.InputChange:F4} | {figures.OutputChange:F4} | {figures.ChangeRatio:F3} | {figures.GainJitter:F5} | {(double.IsNaN(warp) ? "no static pairs" : warp.ToString("F4", inv))} | {(cuts.Count > 0 ? string.Join(", ", cuts) : "none")} |");
        md.AppendLine();
    }

    private static void Throughput(VideoBenchResult result, StringBuilder md)
    {
        var inv = CultureInfo.InvariantCulture;
        var (frames, asInstalled, hugePages) = (result.BaselineFrames, result.BaselineAsInstalled, result.BaselineHugePages);
        md.AppendLine(inv, $"### Throughput (shared 720p clip, {result.Machine.Brief})");
        md.AppendLine();
        md.AppendLine(inv, $"The naive baseline (`bench/pytorch_video_baseline.py`): ffmpeg decodes, the paper's network runs on each frame in PyTorch 1.13, ffmpeg encodes (H.264 CRF 18), one frame at a time; measured on {frames} frames, as installed and with the huge-page allocator setting ClipLit's launcher uses.");
        md.AppendLine();
        md.TableHeader("run", "frames", "fps", "vs baseline as installed", "vs baseline with huge pages", "busy time per stage (s)", "sum of stages / wall", "peak MiB");
        md.AppendLine(inv, $"| baseline, as installed | {frames} | {asInstalled:F3} | 1.00x | | | | |");
        md.AppendLine(inv, $"| baseline, huge pages | {frames} | {hugePages:F3} | | 1.00x | | | |");
        foreach (var (name, run, peak) in result.Throughput)
        {
            double fps = run.FramesWritten / run.Elapsed.TotalSeconds;
            double sum = run.StageSeconds.Values.Sum();
            md.AppendLine(inv, $"| {name} | {run.FramesWritten} | {fps:F3} | **{fps / asInstalled:F1}x** | **{fps / hugePages:F1}x** | {string.Join(", ", run.StageSeconds.Select(kv => $"{kv.Key} {kv.Value:F1}"))} | {sum / run.Elapsed.TotalSeconds:F2} | {peak:F0} |");
        }
        md.AppendLine();
        md.AppendLine("Stages run on three threads (decode; pre-process + network; compose + encode) with bounded queues, and");
        md.AppendLine("ffmpeg's decoder and encoder are separate processes, so the sum of busy times can exceed the wall time.");
        md.AppendLine(inv, $"On {result.Machine.LogicalCores} cores they compete for the same CPU: the slowest stage (the network) sets the pace.");
    }
}
