using System.CommandLine;
using System.Globalization;
using System.Text;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;

using ClipLit.Cli.Commands;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace ClipLit.Bench;

/// <summary>
/// <c>cliplit bench</c>: the network and whole-process speed and memory against PyTorch 1.13 in the
/// same run on the same machine, written to docs/benchmarks.md.
/// </summary>
public sealed class BenchCommand : AppCommand
{
    private const string LargePhoto = "110_51093502029_o.jpg";

    private readonly Option<int?> _repeat = Define.Integer("--repeat", "N", 1, 100, "runs per measurement (default 3; 1 with --quick)");
    private readonly Option<int?> _threads = Define.Integer("--threads", "N", 1, 1024, "threads for both ONNX Runtime and PyTorch (default: all cores)");
    private readonly Option<string?> _python = Define.Text("--python", "PATH", "Python with torch 1.13 (default /usr/bin/python3)");
    private readonly Option<string?> _output = Define.Text("--output", "FILE", "where to write the report (default docs/benchmarks.md; '-' prints it)");
    private readonly Option<string?> _model = Define.Text("--model", "PATH", "the checkpoint measured (default: the paper's, in the shared data folder)");
    private readonly Option<bool> _quick = Define.Flag("--quick", "one run each, no thread scaling or operator profile");
    private readonly Option<bool> _video = Define.Flag("--video", "the video benchmarks instead of the photo ones");
    private readonly Option<bool> _distill = Define.Flag("--distill", "the student against the teacher at 256 and at full resolution instead");
    private readonly Option<string?> _fastModel = Define.Text("--fast-model", "PATH", "with --distill, --live and --jobs: the student measured (default: the one shipped in models/student)");
    private readonly Option<string?> _run = Define.Text("--run", "RUN_DIR", "with --distill: the distillation run whose history.csv is plotted");
    private readonly Option<string?> _section = Define.Text("--section", "NAME", "with --distill: the report section written (default distill)");
    private readonly Option<bool> _live = Define.Flag("--live", "the live view's benchmarks instead");
    private readonly Option<bool> _jobs = Define.Flag("--jobs", "a job's split and join against one plain run instead (JobBench), with hours on N nodes on paper");
    private readonly Option<int?> _seconds = Define.Integer("--seconds", "N", 4, 36_000, "with --jobs: the looped clip's length (default 120)");
    private readonly Option<int?> _shards = Define.Integer("--shards", "N", 2, 1000, "with --jobs: the job's shards (default 2)");
    private readonly Option<int?> _soakMinutes = Define.Integer("--soak-minutes", "N", 0, 24 * 60, "with --live: also a long headless run, memory sampled every 30 s");
    private readonly Option<bool> _train = Define.Flag("--train",
        "the training steps instead (TrainingBench: each stage's seconds per iteration with full-size CLIP against the paper's PyTorch step)");
    private readonly Option<int?> _batch = Define.Integer("--batch", "N", 1, 256, "with --train: the enhancement batch (default 8)");
    private readonly Option<int?> _imageSize = Define.Integer("--image-size", "N", 32, 4096, "with --train: the image size (default 512)");
    private readonly Option<bool> _gpu = Define.Flag("--gpu",
        "the NVIDIA path instead (GpuBench: 1080p full quality, zero-copy against the host round trip: enhancer ms, engine fps, "
        + "file-to-file fps, copy nodes); needs a working CUDA provider ('cliplit doctor')");
    private readonly Option<int?> _frames = Define.Integer("--frames", "N", 30, 100_000, "with --gpu: frames per measured run (default 600)");
    private readonly Option<(int Height, int Width)?> _size = ValueParsers.Size("--size", "with --gpu: the frame size (default 1920x1080)");
    private readonly Option<string?> _proof = Define.Text("--proof", "DIR", "with --gpu: also write a zero-copy frame (PNG) into DIR");
    private readonly Option<bool> _rehearse = Define.Flag("--rehearse",
        "with --gpu: CUDA replaced by the CPU path throughout, to try the proof on a machine without a GPU (the figures are not a GPU's)");

    /// <summary>What <c>cliplit bench --help</c> prints (without its last line break).</summary>
    public static string Help => CommandLineApp.HelpText(Program.CreateRoot(CliContext.Silent), "bench");

    public BenchCommand(CliContext context) : base("bench", "measure speed and memory against PyTorch, update docs/benchmarks.md")
    {
        foreach (Option option in (Option[])[_repeat, _threads, _python, _output, _model, _quick, _video, _distill, _fastModel, _run, _section, _live, _soakMinutes, _train, _batch, _imageSize, _gpu, _frames, _size, _proof, _rehearse, _jobs, _seconds, _shards])
            Options.Add(option);
        Explain("Details", """
            Measures, in one run on this machine:
              * the paper's network in PyTorch (bench/pytorch_reference.py with Debian's python3-torch,
                PyTorch 1.13) and ClipLit's ONNX Runtime path on the golden photos and a 2048x1536 photo:
                seconds (min / median / max of N runs), ms per megapixel, peak memory, ratio;
              * the whole 'cliplit enhance' process on the 2048x1536 photo (start-up, model loading,
                decoding, encoding included) against the PyTorch network alone;
              * the launcher's overhead, thread scaling and ONNX Runtime's time per operator.
            Results replace the photo section of docs/benchmarks.md (or --output FILE; '-' prints them).
            With --video, measures videos instead (VideoBench: fast vs full quality, temporal
            stability, throughput against a naive ffmpeg + PyTorch baseline) and replaces the video section.
            With --distill, measures a student (--fast-model, default the shipped one) against the teacher
            at 256 and at full resolution (quality on the backlit photos and the clip, network rate, flicker,
            fps, a 2048x1536 photo as a process; --run RUN_DIR plots its distillation) into --section.
            With --jobs, measures a job (create, shards one after another, join) against one plain
            enhance of the same looped clip in the same run: the overhead of splitting and joining,
            and how long an hour of video takes on N nodes at the measured speeds.
            With --live, measures the live view (shown fps, network rate, latency, hot-swap time; in a
            window when DISPLAY is set, e.g. under xvfb-run) and replaces the live section.
            With --train and --gpu, the training steps and the NVIDIA path, each in its own section; --gpu
            checks the zero-copy path against the CPU path first and stops at the first check that fails
            (bench/gpu_check.sh runs it with doctor; --rehearse tries it all without a GPU).
            Needs the shared data folder beside the repository and python3-torch.
            """);
        SetAction(result => Run(result, context));
    }

    private int Run(ParseResult args, CliContext context)
    {
        bool quick = args.GetValue(_quick);
        int repeat = args.GetValue(_repeat) ?? (quick ? 1 : 3);
        int threads = args.GetValue(_threads) ?? Environment.ProcessorCount;
        string python = args.GetValue(_python) ?? "/usr/bin/python3";
        // The GPU bench needs only the model and the photos, so it runs from an app unpacked anywhere
        // and a small copy of the shared folder (CLIPLIT_SHARED) on a lent GPU machine.
        if (args.GetValue(_gpu))
        {
            string? checkout = ModelStore.RepositoryRoot();
            string gpuShared = ModelStore.SharedFolder() ?? throw new UsageException("bench --gpu: set CLIPLIT_SHARED to the shared data folder (outside a checkout)");
            string gpuReport = args.GetValue(_output) ?? (checkout is null
                ? throw new UsageException("bench --gpu: give --output FILE (outside a checkout there is no docs/benchmarks.md)")
                : Path.Combine(checkout, "docs", "benchmarks.md"));
            var (height, width) = args.GetValue(_size) ?? (1080, 1920);
            return GpuBench.Run(new GpuBench.Settings(gpuShared,
                args.GetValue(_model) ?? Path.Combine(gpuShared, "models", "clip-lit", ModelStore.DefaultModelFileName), gpuReport,
                args.GetValue(_frames) ?? 600, width, height,
                args.GetValue(_proof) is { } proof ? Directory.CreateDirectory(proof).FullName : null, args.GetValue(_rehearse)), context);
        }
        string root = ModelStore.RepositoryRoot() ?? throw new UsageException("bench: run it from a ClipLit checkout (the repository's ./cliplit)");
        string shared = ModelStore.SharedFolder() ?? Path.GetFullPath(Path.Combine(root, "..", "shared"));
        string checkpoint = args.GetValue(_model) ?? Path.Combine(shared, "models", "clip-lit", ModelStore.DefaultModelFileName);
        string output = args.GetValue(_output) ?? Path.Combine(root, "docs", "benchmarks.md");
        string launcher = Path.Combine(root, "cliplit");
        var log = context.Error;

        if (!Directory.Exists(Path.Combine(shared, "golden")))
        {
            log.WriteLine($"error: {shared}: shared data folder not found (bench needs its golden photos)");
            return ExitCodes.SomeFailed;
        }
        if (args.GetValue(_live))
            return LiveBench.Run(new LiveBench.Settings(shared, checkpoint, output, args.GetValue(_soakMinutes) ?? 0,
                args.GetValue(_fastModel) ?? Path.Combine(root, "models", "student", StudentStore.DefaultStudentFileName)), context);
        if (args.GetValue(_train))
            return TrainingBench.Run(new TrainingBench.Settings(root, shared, output, python, threads, repeat,
                args.GetValue(_batch) ?? 8, 16, args.GetValue(_imageSize) ?? 512), context);
        if (args.GetValue(_distill))
            return DistillBench.Run(new DistillBench.Settings(root, shared, checkpoint,
                args.GetValue(_fastModel) ?? Path.Combine(root, "models", "student", StudentStore.DefaultStudentFileName), args.GetValue(_run), output, python, threads, quick,
                args.GetValue(_section) ?? "distill"), context);
        if (args.GetValue(_jobs))
            return JobBench.Run(new JobBench.Settings(shared, checkpoint,
                args.GetValue(_fastModel) ?? Path.Combine(root, "models", "student", StudentStore.DefaultStudentFileName), output,
                args.GetValue(_seconds) ?? 120, args.GetValue(_shards) ?? 2), context);
        if (args.GetValue(_video))
            return VideoBench.Run(new VideoBench.Settings(root, shared, checkpoint, output, python, threads, quick), context);

        var reference = new PyTorchReference(python, Path.Combine(root, "bench", "pytorch_reference.py"), checkpoint, threads);
        if (reference.Problem() is { } problem)
        {
            log.WriteLine($"error: the PyTorch reference cannot run: {problem}");
            return ExitCodes.SomeFailed;
        }

        var images = Directory.GetFiles(Path.Combine(shared, "golden", "enhance-512"), "*.input.png").Order(StringComparer.Ordinal)
            .Concat(Directory.GetFiles(Path.Combine(shared, "golden", "enhance-full"), "*.input.png"))
            .Append(Path.Combine(shared, "data", "backlit", LargePhoto))
            .ToList();
        var report = new BenchReport(threads, repeat);

        EnhancementWeights weights = ModelLoader.Load(checkpoint);
        using (var estimator = new LightMapEstimator(weights, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = threads }))
        {
            foreach (string image in images)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                log.WriteLine($"bench: {Path.GetFileName(image)}: PyTorch as installed...");
                var pytorch = reference.Measure(image, repeat, hugePages: false);
                log.WriteLine($"bench: {Path.GetFileName(image)}: PyTorch with huge pages...");
                var pytorchHuge = reference.Measure(image, repeat, hugePages: true);
                log.WriteLine($"bench: {Path.GetFileName(image)}: ClipLit...");
                var ours = NetworkBenchmark.Measure(estimator, image, repeat);
                report.AddNetwork(pytorch, pytorchHuge, ours);
                log.WriteLine($"bench: {Path.GetFileName(image)} {ours.Width}x{ours.Height}: PyTorch {pytorch.Forward.Median:F2} s ({pytorchHuge.Forward.Median:F2} s with huge pages), ClipLit {ours.Forward.Median:F2} s");
            }
        }

        string large = images[^1];
        log.WriteLine("bench: the paper's padding everywhere (Whole plan) on the large photo...");
        using (var whole = new LightMapEstimator(weights, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = threads, Strategy = PlanStrategy.Whole }))
            report.SetWholePlan(NetworkBenchmark.Measure(whole, large, repeat));

        string scratch = Directory.CreateTempSubdirectory("cliplit-bench-").FullName;
        try
        {
            log.WriteLine("bench: whole process...");
            var whole = ProcessBenchmark.Measure(launcher,
                ["enhance", large, "-o", Path.Combine(scratch, "out.jpg"), "--overwrite", "--device", "cpu", "--model", checkpoint, "-q"], repeat);
            report.SetWholeProcess(whole);
            log.WriteLine($"bench: whole process {whole.Wall.Median:F2} s");

            // The app the launcher runs: the cliplit that started this bench (it says so in CLIPLIT_APP), else the one beside it.
            string apphost = Environment.GetEnvironmentVariable(SiblingApp.ParentVariable) is { Length: > 0 } parent ? parent : Path.Combine(AppContext.BaseDirectory, "cliplit");
            report.SetLauncher(
                ProcessBenchmark.Measure(launcher, ["--version"], 10),
                ProcessBenchmark.Measure(apphost, ["--version"], 10));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        if (!quick)
        {
            log.WriteLine("bench: thread scaling, arithmetic ceiling and operator profile...");
            report.SetGemmPeak(GemmPeak.Measure(threads));
            using (var single = new LightMapEstimator(weights, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = 1 }))
                report.SetSingleThread(NetworkBenchmark.Measure(single, large, 1));
            string profileFolder = Directory.CreateTempSubdirectory("cliplit-profile-").FullName;
            try
            {
                using var profiled = new LightMapEstimator(weights, EnhancerOptions.Default with
                {
                    Device = ExecutionDevice.Cpu,
                    Threads = threads,
                    ProfilePrefix = Path.Combine(profileFolder, "ort-"),
                });
                NetworkBenchmark.Measure(profiled, large, 1);
                report.SetProfile(OrtProfile.ByOperator(profiled.EndProfiling()));
            }
            finally
            {
                Directory.Delete(profileFolder, recursive: true);
            }
        }

        string markdown = report.ToMarkdown();
        ReportFile.Publish(output, "photos", markdown, context, "bench");
        return ExitCodes.Success;
    }

    /// <summary>Collects results and renders docs/benchmarks.md.</summary>
    private sealed class BenchReport(int threads, int repeat)
    {
        private readonly List<(ReferenceResult PyTorch, ReferenceResult PyTorchHuge, NetworkResult Ours)> _network = [];
        private NetworkResult? _wholePlan;
        private ProcessResult? _whole;
        private (ProcessResult Launcher, ProcessResult Direct)? _launcher;
        private NetworkResult? _singleThread;
        private IReadOnlyList<(string Operator, double Milliseconds)>? _profile;

        public void AddNetwork(ReferenceResult pytorch, ReferenceResult pytorchHuge, NetworkResult ours) => _network.Add((pytorch, pytorchHuge, ours));

        public void SetWholePlan(NetworkResult result) => _wholePlan = result;

        private double? _gemmPeak;

        public void SetGemmPeak(double gflops) => _gemmPeak = gflops;

        public void SetWholeProcess(ProcessResult whole) => _whole = whole;

        public void SetLauncher(ProcessResult launcher, ProcessResult direct) => _launcher = (launcher, direct);

        public void SetSingleThread(NetworkResult result) => _singleThread = result;

        public void SetProfile(IReadOnlyList<(string Operator, double Milliseconds)> profile) => _profile = profile;

        public string ToMarkdown()
        {
            var md = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            var large = _network[^1];
            double flopsPerPixel = EnhancementArchitecture.FlopsPerPixel;

            md.AppendLine("## Photos: the network and `cliplit enhance` against PyTorch");
            md.AppendLine();
            md.AppendLine("Generated by `./cliplit bench` (re-run it after changing a hot path).");
            md.AppendLine("Every ratio compares measurements taken in the same run on the same machine: the paper's");
            md.AppendLine("network in PyTorch (`bench/pytorch_reference.py`, Debian's python3-torch) against ClipLit.");
            md.AppendLine("Times are seconds as min / median / max over the runs; ratios use medians.");
            md.AppendLine();
            md.AppendLine("PyTorch is measured twice: **as installed** (glibc's default allocator), and **with huge pages**");
            md.AppendLine($"(`GLIBC_TUNABLES={PyTorchReference.HugePageTunable}`, the allocator setting ClipLit's launcher exports).");
            md.AppendLine("On this VM page faults are expensive and PyTorch frees and re-faults every large activation, so");
            md.AppendLine("the setting changes PyTorch's time a lot at large sizes; the second comparison is the like-for-like one.");
            md.AppendLine();
            md.AppendLine("### Machine");
            md.AppendLine();
            md.AppendLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
            md.AppendLine($"- CPU: {CpuModel()}, {Environment.ProcessorCount} logical cores; memory {MemoryGiB():F0} GiB");
            md.AppendLine($"- threads: {threads} for both ONNX Runtime and PyTorch; runs per measurement: {repeat}");
            md.AppendLine($"- PyTorch {large.PyTorch.TorchVersion}; ONNX Runtime {OrtEnv.Instance().GetVersionString()}; .NET {Environment.Version}");
            md.AppendLine();

            md.AppendLine("### Network: light map only (pre-processing excluded), ClipLit vs PyTorch");
            md.AppendLine();
            md.AppendLine("| image | size | PyTorch s (as installed) | PyTorch s (huge pages) | ClipLit s | ClipLit ms/MP | speed-up (as installed) | speed-up (huge pages) | PyTorch peak MiB | ClipLit peak MiB | plan |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var (pytorch, huge, ours) in _network)
            {
                double megapixels = ours.Width * (double)ours.Height / 1e6;
                md.AppendLine(inv, $"| {Path.GetFileName(ours.Image)} | {ours.Width}x{ours.Height} | {pytorch.Forward.Summary} | {huge.Forward.Summary} | {ours.Forward.Summary} | {ours.Forward.Median * 1000 / megapixels:F0} | **{pytorch.Forward.Median / ours.Forward.Median:F2}x** | **{huge.Forward.Median / ours.Forward.Median:F2}x** | {Math.Min(pytorch.PeakMiB, huge.PeakMiB):F0} | {ours.PeakMiB:F0} | {ours.Plan} |");
            }
            if (_wholePlan is { } wholePlan)
                md.AppendLine(inv, $"| same, the paper's padding everywhere (Whole plan) | {wholePlan.Width}x{wholePlan.Height} | | | {wholePlan.Forward.Summary} | {wholePlan.Forward.Median * 1e9 / (wholePlan.Width * (double)wholePlan.Height):F0} | {large.PyTorch.Forward.Median / wholePlan.Forward.Median:F2}x | {large.PyTorchHuge.Forward.Median / wholePlan.Forward.Median:F2}x | | {wholePlan.PeakMiB:F0} | Whole |");
            md.AppendLine();
            md.AppendLine("Peak memory is the process's resident peak while measuring that image (ClipLit: reset per image");
            md.AppendLine("through /proc/self/clear_refs, in the benchmark process, so it includes the .NET runtime, ONNX Runtime");
            md.AppendLine("and allocator state left by earlier images; the whole-process row below is the peak a user sees).");
            md.AppendLine();

            if (_whole is { } whole)
            {
                md.AppendLine("### Whole process: `cliplit enhance` on a 2048x1536 JPEG vs the PyTorch network alone");
                md.AppendLine();
                md.AppendLine("| measurement | seconds | peak MiB |");
                md.AppendLine("|---|---|---|");
                md.AppendLine(inv, $"| PyTorch network forward only, as installed (no start-up, no I/O) | {large.PyTorch.Forward.Summary} | {large.PyTorch.PeakMiB:F0} |");
                md.AppendLine(inv, $"| PyTorch network forward only, with huge pages | {large.PyTorchHuge.Forward.Summary} | {large.PyTorchHuge.PeakMiB:F0} |");
                md.AppendLine(inv, $"| `cliplit enhance <photo> -o out.jpg --device cpu -q` through the launcher: start-up, model load, decode, network, encode | {whole.Wall.Summary} | {whole.PeakMiB:F0} |");
                md.AppendLine();
                md.AppendLine(inv, $"**Whole ClipLit process vs the PyTorch network alone: {large.PyTorch.Forward.Median / whole.Wall.Median:F2}x faster than PyTorch as installed** (goal: at least 4.5x);");
                md.AppendLine(inv, $"{large.PyTorchHuge.Forward.Median / whole.Wall.Median:F2}x faster than PyTorch given the same huge-page allocator setting.");
                md.AppendLine();
            }

            if (_launcher is { } launcher)
            {
                double overhead = launcher.Launcher.Wall.Median - launcher.Direct.Wall.Median;
                md.AppendLine("### Launcher");
                md.AppendLine();
                md.AppendLine(inv, $"`./cliplit --version` takes {launcher.Launcher.Wall.Median * 1000:F0} ms (median of 10) against {launcher.Direct.Wall.Median * 1000:F0} ms for the built program");
                md.AppendLine(inv, $"called directly: the staleness check adds {overhead * 1000:F0} ms when nothing changed.");
                md.AppendLine();
            }

            md.AppendLine("### What limits the speed");
            md.AppendLine();
            double gflops = flopsPerPixel * large.Ours.Width * large.Ours.Height / large.Ours.Forward.Min / 1e9;
            md.AppendLine(inv, $"- Arithmetic: the network costs {flopsPerPixel / 1000.0:F0} kFLOP per pixel (3x3 convolutions; multiply and add counted apart), {flopsPerPixel * large.Ours.Width * large.Ours.Height / 1e12:F2} TFLOP at {large.Ours.Width}x{large.Ours.Height}. ClipLit's best run sustains {gflops:F0} GFLOP/s on {threads} threads; PyTorch's best (huge pages) {flopsPerPixel * large.Ours.Width * large.Ours.Height / large.PyTorchHuge.Forward.Min / 1e9:F0} GFLOP/s.");
            if (_gemmPeak is { } peak)
                md.AppendLine(inv, $"  The arithmetic ceiling for reference: ONNX Runtime's own float32 matrix multiply (2048x2048 by 2048x2048, MLAS) reaches {peak:F0} GFLOP/s here, so the network runs at {100 * gflops / peak:F0}% of it; little remains to win without doing fewer operations.");
            if (_singleThread is { } single)
            {
                double scaling = single.Forward.Min / large.Ours.Forward.Min;
                md.AppendLine(inv, $"- Threading: one thread takes {single.Forward.Min:F2} s, {threads} threads {large.Ours.Forward.Min:F2} s: {scaling:F2}x on {threads} threads ({100 * scaling / threads:F0}% parallel efficiency).");
            }
            if (_profile is { Count: > 0 } profile)
            {
                double total = profile.Sum(p => p.Milliseconds);
                double conv = profile.Where(p => p.Operator.Contains("Conv", StringComparison.Ordinal)).Sum(p => p.Milliseconds);
                md.AppendLine(inv, $"- Memory traffic: convolutions (ONNX Runtime's blocked NCHWc kernels, activations fused) take {100 * conv / total:F0}% of operator time; the rest is layout reorders, padding copies of the border strips, concatenation and element-wise work, which move whole feature maps through memory (a 64-channel map is {64.0 * 4 * large.Ours.Width * large.Ours.Height / 1048576:F0} MiB here):");
                md.AppendLine();
                md.AppendLine("| operator (after ONNX Runtime's fusions) | ms | share |");
                md.AppendLine("|---|---|---|");
                foreach (var (op, ms) in profile.Take(10))
                    md.AppendLine(inv, $"| {op} | {ms:F0} | {100 * ms / total:F1}% |");
            }
            md.AppendLine();
            md.AppendLine("Where the differences come from:");
            md.AppendLine();
            md.AppendLine("- Against PyTorch as installed, mostly memory management: PyTorch returns every large activation");
            md.AppendLine("  to the system and faults it in again (kernel time dominates its runs here); ClipLit keeps ONNX");
            md.AppendLine("  Runtime's arena for the duration of an image and backs it with huge pages.");
            md.AppendLine("- Against PyTorch with the same allocator setting: ONNX Runtime's blocked (NCHWc) convolutions with");
            md.AppendLine("  fused activations and residual additions, against PyTorch's separate padding, convolution and");
            md.AppendLine("  element-wise passes.");
            if (_wholePlan is { } plain)
            {
                double gain = plain.Forward.Median / large.Ours.Forward.Median;
                md.AppendLine(inv, $"- The banded plan against the paper's padding everywhere (Whole plan): {gain:F2}x at {plain.Width}x{plain.Height}. Reflection");
                md.AppendLine("  padding costs a copy per layer and takes the convolutions out of the blocked layout (a reorder before");
                md.AppendLine("  and after); the banded plan runs the image zero-padded, exact except within 17 pixels of the border,");
                md.AppendLine("  and recomputes that band with reflection-padded strips from the image-wide pyramid-pooling sums.");
            }
            return md.ToString();
        }

        private static string CpuModel()
        {
            try
            {
                return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
            }
            catch (IOException)
            {
                return "unknown";
            }
        }

        private static double MemoryGiB()
        {
            try
            {
                var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1048576;
            }
            catch (IOException)
            {
                return double.NaN;
            }
        }
    }
}
