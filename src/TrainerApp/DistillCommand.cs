using System.CommandLine;
using System.Globalization;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;
using ClipLit.Inference.Model;
using ClipLit.Inference.Student;
using ClipLit.Trainer.Distillation;
using ClipLit.Trainer.Training;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Video;

namespace ClipLit.TrainerApp;

/// <summary><c>cliplit distill</c>: distil a trained model (the teacher) into a small, fast student.</summary>
public sealed class DistillCommand : AppCommand
{
    private static readonly DistillationOptions Defaults = new() { TeacherPath = "", RunFolder = "" };

    private readonly Option<string?> _teacher = Define.Text("--teacher", "MODEL", "the model to distil: the paper's network as .pth or .onnx (required)");
    private readonly Option<string[]> _images = new("--images") { Description = "source photos: folders, globs or files", HelpName = "DIR|GLOB|FILE", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string[]> _videos = new("--videos") { Description = "source videos: a frame every --frame-step frames", HelpName = "FILE", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string?> _out = Define.Text("--out", "RUN_DIR", "the run folder (required)", "-o");
    private readonly Option<bool> _resume = Define.Flag("--resume", "continue the run in RUN_DIR from its last snapshot (its options are reused; --minutes, --iterations and --threads may be given anew)");
    private readonly Option<double?> _minutes = Define.Number("--minutes", "M", "training time budget (labelling not counted)");
    private readonly Option<int?> _iterations = Define.Integer("--iterations", "N", 1, int.MaxValue, $"iteration budget (default {DistillationBudget.DefaultIterations} when no --minutes)");
    private readonly Option<int?> _seed = Define.Integer("--seed", "N", 0, int.MaxValue, $"seed for views, initialization and draws (default {Defaults.Seed})");
    private readonly Option<string?> _widths = Define.Text("--widths", "W,W,...", "channels per student level (default 16,32,48,64; 2 to 6 levels)",
        text => TryWidths(text) is not null, "a list of 2 to 6 widths from 1 to 512, e.g. 16,32,48,64");
    private readonly Option<double?> _scale = Define.Number("--scale", "X", $"student input scale: the frame times X (default {Defaults.Scale.ToString(CultureInfo.InvariantCulture)}: 1280x720 → 256x144)");
    private readonly Option<double?> _learningRate = Define.Number("--lr", "X", $"Adam learning rate (default {Defaults.LearningRate.ToString(CultureInfo.InvariantCulture)})");
    private readonly Option<int?> _batch = Define.Integer("--batch", "N", 1, 4096, $"views per optimizer step (default {Defaults.Batch})");
    private readonly Option<int?> _viewsPerImage = Define.Integer("--views-per-image", "N", 1, 64, $"views labelled per source image: as shot, then 1280x720 and 1920x1080 crops, relit (default {Defaults.ViewsPerImage})");
    private readonly Option<int?> _frameStep = Define.Integer("--frame-step", "N", 1, int.MaxValue, $"a video frame every N frames (default {Defaults.FrameStep})");
    private readonly Option<double?> _validationFraction = Define.Number("--validation-fraction", "X", $"share of source images held out (default {Defaults.ValidationFraction.ToString(CultureInfo.InvariantCulture)})");
    private readonly Option<int?> _validationImages = Define.Integer("--validation-images", "N", 0, int.MaxValue, "number of source images held out (instead of --validation-fraction)");
    private readonly Option<int?> _validateEvery = Define.Integer("--validate-every", "N", 1, int.MaxValue, $"validation and snapshot every N iterations (default {Defaults.ValidateEvery})");
    private readonly Option<int?> _threads = Define.Integer("--threads", "N", 1, 1024, "CPU threads (default: one per core)");

    /// <summary>What <c>cliplit distill --help</c> prints (without its last line break).</summary>
    public static string Help => CommandLineApp.HelpText(Program.CreateRoot(CliContext.Silent), "distill");

    public DistillCommand(CliContext context) : base("distill", "distil a model into a small student that runs in real time (the fast quality)")
    {
        foreach (Option option in (Option[])[_teacher, _images, _videos, _out, _resume, _minutes, _iterations, _seed, _widths, _scale, _learningRate, _batch,
                     _viewsPerImage, _frameStep, _validationFraction, _validationImages, _validateEvery, _threads])
            Options.Add(option);
        Validators.Add(result =>
        {
            if (result.GetResult(_out) is null) result.AddError("--out RUN_DIR is required");
        });
        Explain("Details", """
            Knowledge distillation: the teacher labels views of the source images once (cached in
            RUN_DIR/labels; the photo as shot, crops resized to 1280x720 and 1920x1080, relit with
            exposure, gamma, white balance and synthetic backlight before labelling), then a small
            U-Net on the frame downscaled by --scale learns the teacher's light map (Adam, L1 on log L).
            Whole source images are held out for validation: every --validate-every iterations the
            student is scored at full resolution (PSNR, SSIM against the teacher's result) and a new
            best writes RUN_DIR/student.onnx atomically ('cliplit live --watch RUN_DIR' picks it up).
            Also: history.csv (PSNR against wall time), samples/, tensorboard/, state/ for --resume.
            Ctrl+C stops after the current iteration with a snapshot; --resume goes on from it.
            """);
        Explain("Examples", """
            cliplit distill --teacher enhancement_model.pth --images photos/ --out runs/s1 --minutes 10
            cliplit distill --teacher model.onnx --images 'shots/*.jpg' --videos clip.mp4 --out runs/s2 --widths 8,16,24,32
            cliplit distill --out runs/s1 --resume --minutes 20
            """);
        Explain("Exit status", """
            0 the student is trained, 1 failure, or trained without some source files (each named
            in an error line: unreadable, too small, cannot be labelled), 2 usage error, 130 interrupted.
            """);
        SetAction(result => Run(result, context));
    }

    private static IReadOnlyList<int>? TryWidths(string text)
    {
        try
        {
            return StudentArchitecture.ParseWidths(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private int Run(ParseResult args, CliContext context)
    {
        try
        {
            string runFolder = args.GetValue(_out)!;
            var run = new RunFolder(runFolder);
            DistillationOptions options;
            string? resumeFrom = null;
            if (args.GetValue(_resume))
            {
                options = run.ReadOptions<DistillationOptions>();
                resumeFrom = run.LatestState(); // none yet: the labels were interrupted, start training afresh
                if (args.GetValue(_minutes) is { } minutes) options = options with { Minutes = minutes };
                if (args.GetValue(_iterations) is { } iterations) options = options with { Iterations = iterations };
                if (args.GetValue(_threads) is { } threads) options = options with { Threads = threads };
            }
            else
            {
                options = FromArguments(args, runFolder);
                if (options.FindProblem() is { } problem) throw new UsageException("distill: " + problem);
                if (run.LatestState() is not null || File.Exists(Path.Combine(run.Root, StudentDistiller.StudentFile)))
                    return Fail(context, $"{run.Root}: already holds a run (use --resume to continue it, or another --out)");
            }

            using var teacher = new Teacher(options.TeacherPath, options.EffectiveThreads);
            var sources = SourceImages.Find(options.Images, options.Videos, options.FrameStep, context.Error, out int leftOut);
            if (resumeFrom is null && !args.GetValue(_resume))
            {
                Directory.CreateDirectory(run.Root);
                run.WriteOptions(options);
            }
            var validationGroups = ValidationGroups(options, sources);
            int videos = sources.Where(s => s.Frame is not null).Select(s => s.Path).Distinct().Count();
            string data = $"{sources.Count(s => s.Frame is null)} photos, {sources.Count(s => s.Frame is not null)} frames of {videos} videos, {options.ViewsPerImage} views each, "
                + $"{sources.Count(s => validationGroups.Contains(s.Group))} images held out";
            context.Error.WriteLine($"teacher {teacher.Path} (sha256 {teacher.Sha256[..12]}…); {data}");
            var labelling = new LabelProgress(context.Error, context.ErrorIsTerminal);
            var views = TeacherLabels.Prepare(options, teacher, sources, validationGroups, Path.Combine(run.Root, "labels"), labelling, context.Cancellation);
            using var distiller = new StudentDistiller(options, teacher, views, data, context.Error, resumeFrom);
            distiller.Run(context.Cancellation);
            if (context.Cancellation.IsCancellationRequested) return ExitCodes.Interrupted;
            leftOut += labelling.Skipped;
            if (leftOut == 0) return ExitCodes.Success;
            // As enhance does: the run is done with what could be used, and the status says some input could not.
            context.Error.WriteLine($"{leftOut} source file(s) were left out (named above)");
            return ExitCodes.SomeFailed;
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("stopped while labelling; the labels made so far are kept (--resume goes on)");
            return ExitCodes.Interrupted;
        }
        catch (ModelLoadException e)
        {
            return Fail(context, e.Message);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException or ImageFileException or VideoFileException)
        {
            return Fail(context, e.Message);
        }
    }

    /// <summary>The held-out groups: a seeded draw of whole source images (a video's frames together).</summary>
    private static HashSet<string> ValidationGroups(DistillationOptions options, IReadOnlyList<SourceImage> sources)
    {
        var groups = sources.Select(s => s.Group).Distinct().ToList();
        if (groups.Count < 2) return [];
        int count = options.ValidationImages ?? Math.Max(1, (int)Math.Round(options.ValidationFraction * groups.Count));
        count = Math.Min(count, groups.Count - 1);
        var order = new KeyedRandom(options.Seed, 11, groups.Count).Permutation(groups.Count);
        return order.Take(count).Select(i => groups[i]).ToHashSet(StringComparer.Ordinal);
    }

    private DistillationOptions FromArguments(ParseResult args, string runFolder)
    {
        string teacher = args.GetValue(_teacher) ?? throw new UsageException("distill: --teacher MODEL is required");
        return new DistillationOptions
        {
            TeacherPath = Path.GetFullPath(teacher),
            Images = (args.GetValue(_images) ?? []).Select(Path.GetFullPath).ToList(),
            Videos = (args.GetValue(_videos) ?? []).Select(Path.GetFullPath).ToList(),
            RunFolder = Path.GetFullPath(runFolder),
            Minutes = args.GetValue(_minutes),
            Iterations = args.GetValue(_iterations),
            Seed = (ulong?)args.GetValue(_seed) ?? Defaults.Seed,
            Widths = args.GetValue(_widths) is { } widths ? StudentArchitecture.ParseWidths(widths) : Defaults.Widths,
            Scale = args.GetValue(_scale) ?? Defaults.Scale,
            LearningRate = args.GetValue(_learningRate) ?? Defaults.LearningRate,
            Batch = args.GetValue(_batch) ?? Defaults.Batch,
            ViewsPerImage = args.GetValue(_viewsPerImage) ?? Defaults.ViewsPerImage,
            FrameStep = args.GetValue(_frameStep) ?? Defaults.FrameStep,
            ValidationFraction = args.GetValue(_validationFraction) ?? Defaults.ValidationFraction,
            ValidationImages = args.GetValue(_validationImages),
            ValidateEvery = args.GetValue(_validateEvery) ?? Defaults.ValidateEvery,
            Threads = args.GetValue(_threads),
        };
    }

    private static int Fail(CliContext context, string message)
    {
        context.Error.WriteLine($"error: {message}");
        return ExitCodes.SomeFailed;
    }
}
