using System.CommandLine;
using System.Globalization;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;
using ClipLit.Core.Files;
using ClipLit.Inference.Student;
using ClipLit.Trainer.Distillation;
using ClipLit.Trainer.Training;

namespace ClipLit.TrainerApp;

/// <summary><c>cliplit distill</c>: distil a trained model (the teacher) into a small, fast student.</summary>
public sealed class DistillCommand : AppCommand
{
    private static readonly DistillationOptions Defaults = new() { TeacherPath = "", RunFolder = "" };

    // What every run names (not part of the record's defaults).
    private readonly Option<string?> _teacher = Define.Text("--teacher", "MODEL", "the model to distil: the paper's network as .pth or .onnx (required)");
    private readonly Option<string[]> _images = new("--images") { Description = "source photos: folders, globs or files", HelpName = "DIR|GLOB|FILE", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string[]> _videos = new("--videos") { Description = "source videos: a frame every --frame-step frames", HelpName = "FILE", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string?> _out = Define.Text("--out", "RUN_DIR", "the run folder (required)", "-o");
    private readonly Option<bool> _resume = Define.Flag("--resume", "continue the run in RUN_DIR from its last snapshot (its options are reused; --minutes, --iterations and --threads may be given anew)");
    // The rest: each sets its property of DistillationOptions.
    private readonly RecordOptions<DistillationOptions> _settings;

    /// <summary>What <c>cliplit distill --help</c> prints (without its last line break).</summary>
    public static string Help => CommandLineApp.HelpText(Program.CreateRoot(CliContext.Silent), "distill");

    public DistillCommand(CliContext context) : base("distill", "distil a model into a small student that runs in real time (the fast quality)")
    {
        foreach (Option option in (Option[])[_teacher, _images, _videos, _out, _resume])
            Options.Add(option);
        _settings = new RecordOptions<DistillationOptions>(this);
        _settings.Add(Define.Number("--minutes", "M", "training time budget (labelling not counted)"), (o, v) => o with { Minutes = v }, onResume: true);
        _settings.Add(Define.Integer("--iterations", "N", 1, int.MaxValue, $"iteration budget (default {DistillationBudget.DefaultIterations} when no --minutes)"),
            (o, v) => o with { Iterations = v }, onResume: true);
        _settings.Add(Define.Integer("--seed", "N", 0, int.MaxValue, $"seed for views, initialization and draws (default {Defaults.Seed})"), (o, v) => o with { Seed = (ulong)v });
        _settings.Add(Define.Text("--widths", "W,W,...", "channels per student level (default 16,32,48,64; 2 to 6 levels)",
            text => TryWidths(text) is not null, "a list of 2 to 6 widths from 1 to 512, e.g. 16,32,48,64"), (o, v) => o with { Widths = StudentArchitecture.ParseWidths(v) });
        _settings.Add(Define.Number("--scale", "X", $"student input scale: the frame times X (default {Defaults.Scale.ToString(CultureInfo.InvariantCulture)}: 1280x720 → 256x144)"),
            (o, v) => o with { Scale = v });
        _settings.Add(Define.Number("--lr", "X", $"Adam learning rate (default {Defaults.LearningRate.ToString(CultureInfo.InvariantCulture)})"), (o, v) => o with { LearningRate = v });
        _settings.Add(Define.Integer("--batch", "N", 1, 4096, $"views per optimizer step (default {Defaults.Batch})"), (o, v) => o with { Batch = v });
        _settings.Add(Define.Integer("--views-per-image", "N", 1, 64, $"views labelled per source image: as shot, then 1280x720 and 1920x1080 crops, relit (default {Defaults.ViewsPerImage})"),
            (o, v) => o with { ViewsPerImage = v });
        _settings.Add(Define.Integer("--frame-step", "N", 1, int.MaxValue, $"a video frame every N frames (default {Defaults.FrameStep})"), (o, v) => o with { FrameStep = v });
        _settings.Add(Define.Number("--validation-fraction", "X", $"share of source images held out (default {Defaults.ValidationFraction.ToString(CultureInfo.InvariantCulture)})"),
            (o, v) => o with { ValidationFraction = v });
        _settings.Add(Define.Integer("--validation-images", "N", 0, int.MaxValue, "number of source images held out (instead of --validation-fraction)"),
            (o, v) => o with { ValidationImages = v });
        _settings.Add(Define.Integer("--validate-every", "N", 1, int.MaxValue, $"validation and snapshot every N iterations (default {Defaults.ValidateEvery})"),
            (o, v) => o with { ValidateEvery = v });
        _settings.Add(Define.Integer("--threads", "N", 1, 1024, "CPU threads (default: one per core)"), (o, v) => o with { Threads = v }, onResume: true);
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
            // Resuming without a snapshot: the labels were interrupted, and training starts afresh.
            var start = RunStart<DistillationOptions>.Read("distill", args, _out, _resume, _settings, folder => FromArguments(args, folder));
            var (run, options) = (start.Run, start.Options);
            if (!start.Resuming && (run.LatestState() is not null || File.Exists(Path.Combine(run.Root, StudentDistiller.StudentFile))))
                return context.Fail(start.HoldsARun);

            using var teacher = new Teacher(options.TeacherPath, options.EffectiveThreads);
            var sources = SourceImages.Find(options.Images, options.Videos, options.FrameStep, context.Error, out int leftOut);
            if (!start.Resuming)
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
            using var distiller = new StudentDistiller(options, teacher, views, data, context.Error, start.ResumeFrom);
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
        // The teacher, the photos and the videos each say which file and what (FileProblemException).
        catch (Exception e) when (e is FileProblemException or IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            return context.Fail(e.Message);
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
        return _settings.Apply(args, new DistillationOptions
        {
            TeacherPath = Path.GetFullPath(teacher),
            Images = (args.GetValue(_images) ?? []).Select(Path.GetFullPath).ToList(),
            Videos = (args.GetValue(_videos) ?? []).Select(Path.GetFullPath).ToList(),
            RunFolder = Path.GetFullPath(runFolder),
        });
    }
}
