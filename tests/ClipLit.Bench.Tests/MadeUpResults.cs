using ClipLit.Bench.Denoise;
using ClipLit.Bench.Distill;
using ClipLit.Bench.Gpu;
using ClipLit.Bench.Jobs;
using ClipLit.Bench.Live;
using ClipLit.Bench.Measurement;
using ClipLit.Bench.Motion;
using ClipLit.Bench.Photos;
using ClipLit.Bench.Processes;
using ClipLit.Bench.Reports;
using ClipLit.Bench.Training;
using ClipLit.Bench.Videos;
using ClipLit.Engine;
using ClipLit.Engine.Live;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer.Passes;

namespace ClipLit.Bench.Tests;

/// <summary>Each benchmark's result with made-up figures, so its report writer runs without the benchmark (minutes to hours).</summary>
public static class MadeUpResults
{
    private static readonly DateTime Date = new(2026, 1, 2, 3, 4, 0, DateTimeKind.Utc);

    private static Timings Seconds(params double[] seconds) => new(seconds);

    public static IEnumerable<TestCaseData> Reports()
    {
        yield return Case("photos", machine => PhotoReport.Write(Photos(machine)));
        yield return Case("video", machine => VideoReport.Write(Video(machine)));
        yield return Case("live", machine => LiveReport.Write(Live(machine)));
        yield return Case("gpu", machine => GpuReport.Write(Gpu(machine)));
        yield return Case("train", machine => TrainingReport.Write(Training(machine)));
        yield return Case("distill", machine => DistillReport.Write(Distill(machine)));
        yield return Case("jobs", machine => JobReport.Write(Jobs(machine)));
        yield return Case("motion", machine => MotionReport.Write(Motion(machine)));
        yield return Case("denoise", machine => DenoiseReport.Write(Denoise(machine)));
    }

    private static DenoiseBenchResult Denoise(MachineDescription machine)
    {
        var row = new DenoiseRow(3, 3.4, 7.3, 3.1, 6.9, new DenoiseFigures(27.9, 28.4, 28.6, 29.1, 9.5), new DenoiseFigures(31.5, 30.2, 32.7, 31.4, 4.2));
        return new DenoiseBenchResult(machine, Date, 2, "student.onnx", 30, [new DenoiseClip("still", "a photo held still", [row])], new DenoiseCost(30, 32));
    }

    private static TestCaseData Case(string bench, Func<MachineDescription, ReportSection> write) => new TestCaseData(bench, write).SetArgDisplayNames(bench);

    private static PhotoBenchResult Photos(MachineDescription machine)
    {
        PhotoNetworkRow Row(string image, int width, int height) => new(
            new ReferenceResult(image, width, height, Seconds(2, 2.1), 900, "1.13.1"),
            new ReferenceResult(image, width, height, Seconds(1, 1.1), 800, "1.13.1"),
            new NetworkResult(image, width, height, PlanStrategy.Auto, Seconds(0.4, 0.5), 300, TimeSpan.FromSeconds(1)));
        var process = new ProcessResult("cliplit enhance", Seconds(1.2, 1.3), 400);
        return new PhotoBenchResult(machine, Date, 2, 2, "1.22.0", new Version(10, 0), [Row("a.input.png", 512, 384), Row("large.jpg", 2048, 1536)],
            new NetworkResult("large.jpg", 2048, 1536, PlanStrategy.Whole, Seconds(0.6, 0.7), 350, TimeSpan.Zero), process, process, process,
            100, new NetworkResult("large.jpg", 2048, 1536, PlanStrategy.Auto, Seconds(0.8), 300, TimeSpan.Zero), [("Conv", 300), ("Pad", 30)]);
    }

    private static VideoResult Run(int frames) => new(frames, null, [60, 120, 180], new Dictionary<string, double> { ["decode"] = 1, ["network"] = 2 }, TimeSpan.FromSeconds(frames / 10.0));

    private static VideoBenchResult Video(MachineDescription machine)
    {
        var crop = new ImageCrop(4, new byte[64]);
        var scores = new[] { new StillScores(40, 35, 0.99), new StillScores(double.PositiveInfinity, double.PositiveInfinity, 1) };
        return new VideoBenchResult(machine, Date, 2,
            [new FastQualityRow(256, UpsampleMode.Bilinear, scores, scores), new FastQualityRow(256, UpsampleMode.EdgeAware, scores, scores)],
            new Dictionary<UpsampleMode, double> { [UpsampleMode.Bilinear] = 38, [UpsampleMode.EdgeAware] = 41 }, [new NetworkRate(256, 256, 144, 40)],
            new SilhouetteCrops("a.input.png", 8, 16, [(256, [crop, crop, crop])]),
            [new TemporalRow("shared clip", true, new FlickerFigures(0.01, 0.02, double.NaN, 0, 0.001), double.NaN, [60, 120, 180])],
            4, 0.2, 0.3, [new PipelineRun("ClipLit full", Run(30), 700), new PipelineRun("ClipLit fast (edge-aware, smoothing on)", Run(240), 600)]);
    }

    private static LiveBenchResult Live(MachineDescription machine)
    {
        var stats = new LiveStatistics(240, 29.5, 200, 25, 1.2, 40, 80, 0, null, 2, new FrameTimes(1, 5, 2));
        return new LiveBenchResult(machine, Date, false, [new LiveRunRow("fast: student (default on CPU)", stats, 500)], TimeSpan.FromSeconds(1.5),
            new LiveSoak(2, 3600, 30, null, [(0.5, 500), (1, 510), (1.5, 512)]));
    }

    private static GpuBenchResult Gpu(MachineDescription machine)
    {
        var stages = new Dictionary<string, double> { ["network"] = 1, ["pre-process"] = 0.1, ["compose"] = 0.1 };
        string[] names = ["round trip", "zero-copy", "zero-copy, TF32 on"];
        return new GpuBenchResult(machine, Date, true, null, 320, 180, 6, 30, new GpuCheckFigures(80, 70, 75, 70, 20, 12, 65, 50),
            names.ToDictionary(n => n, _ => 5.0), names.Select(n => new GpuEngineRun(n, 30, 1, stages)).ToList(), names.ToDictionary(n => n, _ => 0),
            null, "no ffmpeg");
    }

    private static TrainingBenchResult Training(MachineDescription machine)
    {
        var stages = TrainingBench.Stages.ToDictionary(s => s, _ => Seconds(1.5));
        return new TrainingBenchResult(machine, Date, new TrainingBench.Settings("/repo", "/shared", "/usr/bin/python3", 2, 1, 2, 16, 512),
            new Dictionary<string, IReadOnlyDictionary<string, Timings>> { ["reference BLAS"] = stages }, TrainingBench.Stages.ToDictionary(s => s, _ => Seconds(0.5)),
            [("enhancement network (forward + backward)", Seconds(0.2))]);
    }

    private static DistillBenchResult Distill(MachineDescription machine)
    {
        var crop = new ImageCrop(4, new byte[64]);
        IReadOnlyList<(string, StillScores)> scores = [("a.jpg", new StillScores(38, 33, 0.98))];
        var process = new ProcessResult("cliplit enhance", Seconds(0.9), 300);
        return new DistillBenchResult(machine, Date, "distill", 2, new StudentInfo("student.onnx", "3 layers", "enhancement_model.pth", "10 minutes", "39 dB"), null,
            [new QualityGroup("photos", FastVariant.Teacher256, scores), new QualityGroup("photos", FastVariant.Student, scores), new QualityGroup("photos", FastVariant.StudentStill, scores)],
            new DistillCrop("a.jpg", 2048, 1536, 16, 32, [crop, crop, crop]),
            [new DistillNetworkRate(FastVariant.Teacher256, 256, 144, 40, 30), new DistillNetworkRate(FastVariant.Student, 640, 360, 4, 60)],
            [new DistillVideoRun(FastVariant.Teacher256, 240, 20, 0.02, 0.001, [60]), new DistillVideoRun(FastVariant.Student, 240, 40, 0.02, 0.001, [60])],
            45, 4, 0.2, [("student", process), ("teacher, full", process)], new DistillCurve("run", [new CurvePoint("100", 1, 35, 30), new CurvePoint("200", 2, 37, 32)]));
    }

    private static JobBenchResult Jobs(MachineDescription machine) =>
        new(machine, Date, 120, 3600, "student.onnx", 100, 2, [50, 51], 1, true, 45, 48, [("720p", 36), ("1080p", 16)]);

    private static MotionBenchResult Motion(MachineDescription machine)
    {
        MotionRow Row(string name, ClipLit.Renderer.EnhanceQuality quality, SmoothingMode mode, double psnr, double warp) =>
            new(new MotionVariant(name, quality, mode, mode == SmoothingMode.Off), new StabilityFigures(warp, 3.2, psnr, psnr - 3), 10, mode == SmoothingMode.Motion ? 2.5 : 0);
        var rows = new[]
        {
            Row("paper per frame", ClipLit.Renderer.EnhanceQuality.Full, SmoothingMode.Off, 99, 0.5),
            Row("full plain", ClipLit.Renderer.EnhanceQuality.Full, SmoothingMode.Plain, 30, 0.6),
            Row("full motion", ClipLit.Renderer.EnhanceQuality.Full, SmoothingMode.Motion, 40, 0.55),
            Row("fast off", ClipLit.Renderer.EnhanceQuality.Fast, SmoothingMode.Off, 37, 0.68),
            Row("fast plain", ClipLit.Renderer.EnhanceQuality.Fast, SmoothingMode.Plain, 25, 1.1),
            Row("fast motion", ClipLit.Renderer.EnhanceQuality.Fast, SmoothingMode.Motion, 36, 0.62),
        };
        return new MotionBenchResult(machine, Date, 2, "student.onnx", [new MotionClip("fast pan", "a pan", 120, 117, 2, rows)],
            [new LiveMotionRow(ClipLit.Renderer.EnhanceQuality.Fast, SmoothingMode.Plain, 118, 30, 25, 1.3), new LiveMotionRow(ClipLit.Renderer.EnhanceQuality.Full, SmoothingMode.Motion, 120, 31, 27, 40)]);
    }
}
