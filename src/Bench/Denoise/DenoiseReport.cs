namespace ClipLit.Bench.Denoise;

/// <summary>
/// Writes <see cref="DenoiseBenchResult"/> as the denoise section of docs/benchmarks.md.
/// Thread-safety: stateless.
/// </summary>
public static class DenoiseReport
{
    public static ReportSection Write(DenoiseBenchResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = MarkdownText.Section("## Denoise: the camera noise that brightening amplifies", "denoise", result.Date,
            $"{result.Machine}; {result.Threads} threads; fast quality's student `{result.Student}`").AppendLine();
        md.AppendLine(inv, $$"""
            Each clip gets camera-like noise, fresh every frame: the Poisson-Gaussian model σ²(I) = A·I + B per channel
            (`SensorNoise`; levels 1-4 have σ of about 1.8, 3.6, 7.3 and 14.6 8-bit levels at mid-grey, level 0 none
            added). Each goes through fast quality's frame engine in memory without and with `--denoise auto`, and every
            output frame is compared with the paper's output of the clean frame (its network at full resolution on each
            frame alone, as `--quality full` gives it; the student's own distance from the paper caps these figures) and with
            the same engine's output of the clean frame ({{result.Frames}} frames a clip). Each pair of figures: off → auto
            (the difference). PSNR everywhere and within 4 px of strong edges (Sobel of max(R, G, B) above 0.15); frame to frame: the RMS change between
            consecutive outputs (on the still clip, the shimmer the noise leaves); found: the estimate of the last frame.
            Warping error: Lai et al. (ECCV 2018) by `bench/video_stability.py` on each output encoded as a file would be
            (H.264, 4:2:0), OpenCV's DIS flow estimated on the clean frames; a denoise that smeared what moves would raise it.
            The denoise works within each frame and over time: each frame after the first is blended with the previous
            frame's denoised input where it fits, fetched through the frame's motion (which a file's frame engine
            estimates for the denoise: part of its cost below).
            """);
        md.AppendLine();
        foreach (var clip in result.Clips)
        {
            md.Heading($"### {clip.Name}");
            md.AppendLine(clip.Description + ".").AppendLine();
            md.TableHeader("noise", "added σ at luma 0.1 / 0.5 (levels)", "found", "PSNR vs the paper, off → auto (dB)", "edges vs the paper (dB)",
                "PSNR vs the engine (dB)", "edges vs the engine (dB)", "frame to frame (levels)", "warping error (×1000)");
            foreach (var row in clip.Rows)
                md.AppendLine(inv, $"| {row.Level} | {row.AddedDark:F2} / {row.AddedMid:F2} | {row.FoundDark:F2} / {row.FoundMid:F2} | {Change(row.Off.PaperPsnr, row.Auto.PaperPsnr, bold: true)} | {Change(row.Off.PaperEdgePsnr, row.Auto.PaperEdgePsnr)} | {Change(row.Off.Psnr, row.Auto.Psnr)} | {Change(row.Off.EdgePsnr, row.Auto.EdgePsnr)} | {row.Off.FrameToFrame:F2} → {row.Auto.FrameToFrame:F2} | {row.Off.WarpingError:F3} → {row.Auto.WarpingError:F3}{Ratio(row.Auto.WarpingError, row.Off.WarpingError)} |");
            md.AppendLine();
        }
        var cost = result.Cost;
        md.AppendLine(inv, $"Cost: a 1280x720 frame of the still photo at noise level 3 through the frame engine (fast quality, in memory, the");
        md.AppendLine(inv, $"network included) took {cost.OffMilliseconds:F1} ms without the denoise and {cost.AutoMilliseconds:F1} ms with it ({cost.AutoMilliseconds - cost.OffMilliseconds:+0.0;-0.0} ms, the motion");
        md.AppendLine("estimate included; the live view estimates it anyway), medians of 3 interleaved runs.");
        md.AppendLine();
        return new ReportSection("denoise", md.ToString(), []);
    }

    /// <summary>
    /// "28.60 → **32.70** (+4.10)": a figure without the denoise, with it, and the difference; a side the
    /// same as its reference (PSNR capped at 99) reads "identical", with no difference.
    /// </summary>
    private static string Change(double off, double auto, bool bold = false)
    {
        static string Psnr(double db) => db >= Identical ? "identical" : string.Create(CultureInfo.InvariantCulture, $"{db:F2}");
        string with = Psnr(auto);
        string difference = off >= Identical || auto >= Identical ? "" : string.Create(CultureInfo.InvariantCulture, $" ({auto - off:+0.00;-0.00})");
        return $"{Psnr(off)} → {(bold ? $"**{with}**" : with)}{difference}";
    }

    /// <summary>The PSNR <see cref="DenoiseBench"/> gives frames equal to their reference.</summary>
    private const double Identical = 99;

    /// <summary>" (0.652×)": the denoise's warping error against none; nothing where both are all but zero (a still, clean clip: a ratio of rounding).</summary>
    private static string Ratio(double auto, double off) =>
        off >= 0.001 ? string.Create(CultureInfo.InvariantCulture, $" ({auto / off:F3}×)") : "";
}
