using System.Text;
using ClipLit.Renderer;

namespace ClipLit.Bench.Motion;

/// <summary>
/// Writes <see cref="MotionBenchResult"/> as the motion section of docs/benchmarks.md.
/// Thread-safety: stateless.
/// </summary>
public static class MotionReport
{
    public static ReportSection Write(MotionBenchResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = MarkdownText.Section("## Light maps on moving pictures: fidelity and warping error", "motion", result.Date,
            $"{result.Machine}; {result.Threads} threads; fast quality's student `{result.Student}`").AppendLine();
        md.AppendLine("""
            Each clip is enhanced in full quality (the paper's network) and fast quality (the student) with each
            smoothing mode, and every output is measured by `bench/video_stability.py`, which shares no code with
            ClipLit: PSNR against the paper per frame (the first row; through the same H.264 encode, 4:2:0), the
            warping error of Lai et al. (ECCV 2018) with OpenCV's DIS optical flow estimated on the input (pixels
            failing the forward-backward check left out, pairs across a cut left out; ×1000, RGB in [0, 1], lower
            is steadier), and the low-frequency flicker (temporal standard deviation of 16x16 block means of luma,
            ×1000), which is what a still scene shows. `plain` is the moving average ClipLit used before (weight
            0.3, where it lies); `motion` follows the motion (block matching on the CPU, the average reprojected
            on the GPU and clamped to the new map's 3x3 range, weight 0.5). **Bold**: what a file gets by default.
            """);
        md.AppendLine();
        foreach (var clip in result.Clips)
        {
            md.Heading(string.Create(inv, $"### {clip.Clip}: {clip.Frames} frames"));
            md.AppendLine(inv, $"{clip.Description}. Warping error over {clip.ComparedPairs} frame pairs ({clip.CutPairs} across cuts left out).");
            md.AppendLine();
            md.TableHeader("output", "PSNR vs paper, mean / worst (dB)", "warping error", "× paper per frame", "low-frequency flicker", "× own map per frame", "fps file to file", "motion ms / frame");
            var paper = clip.Rows[0].Figures;
            foreach (var row in clip.Rows)
            {
                var own = clip.Rows.First(r => r.Variant.Quality == row.Variant.Quality && r.Variant.Smoothing == Engine.SmoothingMode.Off).Figures;
                string name = row.Variant.IsDefault ? $"**{row.Variant.Name}**" : row.Variant.Name;
                string psnr = row == clip.Rows[0] ? "reference" : string.Create(inv, $"{Decibels(row.Figures.PsnrMean)} / {Decibels(row.Figures.PsnrWorst)}");
                md.AppendLine(inv, $"| {name} | {psnr} | {row.Figures.WarpingError:F4} | {row.Figures.WarpingError / paper.WarpingError:F3} | {row.Figures.Flicker:F3} | {row.Figures.Flicker / own.Flicker:F3} | {row.FramesPerSecond:F2} | {row.MotionMillisecondsPerFrame:F1} |");
            }
            md.AppendLine();
        }
        Live(result, md);
        Summary(result, md);
        return new ReportSection("motion", md.ToString(), []);
    }

    private static void Live(MotionBenchResult result, StringBuilder md)
    {
        if (result.Live.Count == 0) return;
        var inv = CultureInfo.InvariantCulture;
        md.Heading(string.Create(inv, $"### The live view on the {result.Clips[0].Clip}"));
        md.AppendLine("""
            The headless live view plays the clip at its own pace (a slow network's light maps are of earlier
            frames); every shown frame is compared with the paper's output for that very frame. With the plain
            average the picture is lit where things were. `off` (the default) carries the newest map to each shown
            frame by the motion between; `motion` does the same with an average. In full quality `off` also runs the
            student on every shown frame and multiplies the carried map by the student's map of the frame over its
            map of the teacher's frame, carried the same way (`FreshLightMap`; "carried alone" is without it);
            until a scene's first teacher map the student's map of each frame lights it. The age is the teacher's
            map's, 0 where none arrived within the clip (the student beside it leaves the paper's network less CPU).
            """);
        md.AppendLine();
        md.TableHeader("quality", "smoothing", "frames shown", "PSNR vs the paper for the frame shown, mean / worst (dB)", "light map age (frames)");
        foreach (var row in result.Live)
        {
            string smoothing = row.Smoothing.ToString().ToLowerInvariant()
                + (row.Quality == EnhanceQuality.Full && row.Smoothing == Engine.SmoothingMode.Off ? row.StudentCorrects ? ", corrected by the student" : ", carried alone" : "");
            md.AppendLine(inv, $"| {(row.Quality == EnhanceQuality.Fast ? "fast (student)" : "full")} | {smoothing} | {row.Shown} | {row.PsnrMean:F2} / {row.PsnrWorst:F2} | {row.MeanMapAgeFrames:F1} |");
        }
        md.AppendLine();
    }

    /// <summary>Each smoothing mode against each frame's own map, per clip and quality, from the figures above.</summary>
    private static void Summary(MotionBenchResult result, StringBuilder md)
    {
        var inv = CultureInfo.InvariantCulture;
        md.Heading("### Each mode against each frame's own map");
        foreach (var clip in result.Clips)
        {
            MotionRow Row(EnhanceQuality quality, Engine.SmoothingMode mode) => clip.Rows.First(r => r.Variant.Quality == quality && r.Variant.Smoothing == mode);
            foreach (var quality in new[] { EnhanceQuality.Fast, EnhanceQuality.Full })
            {
                var own = Row(quality, Engine.SmoothingMode.Off).Figures;
                string Against(Engine.SmoothingMode mode)
                {
                    var figures = Row(quality, mode).Figures;
                    // Full quality's own maps are the reference itself: its PSNR is the distance from it.
                    string fidelity = quality == EnhanceQuality.Full
                        ? $"{Decibels(figures.PsnrMean)} dB from the paper per frame"
                        : $"{Delta(figures.PsnrMean - own.PsnrMean)} dB against the paper";
                    return string.Create(inv, $"{fidelity}, warping error ×{figures.WarpingError / own.WarpingError:F3}, flicker ×{figures.Flicker / own.Flicker:F3}");
                }
                string q = quality == EnhanceQuality.Fast ? "fast" : "full";
                md.AppendLine(inv, $"- {clip.Clip}, {q}: following motion {Against(Engine.SmoothingMode.Motion)}; the plain average {Against(Engine.SmoothingMode.Plain)}.");
            }
        }
        md.AppendLine();
    }

    private static string Decibels(double value) => double.IsFinite(value) ? value.ToString("F2", CultureInfo.InvariantCulture) : "—";

    private static string Delta(double value) => double.IsFinite(value) ? value.ToString("+0.00;-0.00", CultureInfo.InvariantCulture) : "—";
}
