using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using ClipLit.Core.Files;
using ClipLit.Inference.Imaging;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Inference.Student;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Video;

namespace ClipLit.Trainer.Distillation;

/// <summary>
/// A labelled view in memory: the student's input (the view adaptive-average-pooled to the
/// student's input size, as the runtime's downscale shader pools 8-bit frames) and the training
/// target (the teacher's light map pooled the same way, as log max(L, 1e-3)); held-out views also
/// keep the full-resolution view and the teacher's enhanced result to score against.
/// Ownership: owns its tensors.
/// </summary>
public sealed class LabelledView : IDisposable
{
    public required SourceImage Source { get; init; }
    public required ViewRecipe Recipe { get; init; }
    public required bool IsValidation { get; init; }
    /// <summary>1 x 3 x h x w in [0, 1].</summary>
    public required Tensor Input { get; init; }
    /// <summary>1 x 1 x h x w: log max(L, 1e-3) of the pooled teacher light map.</summary>
    public required Tensor LogTarget { get; init; }
    public required int Width { get; init; }
    public required int Height { get; init; }
    /// <summary>Held-out views: the view (RGBA8, Width x Height).</summary>
    public byte[]? ViewRgba { get; init; }
    /// <summary>Held-out views: the teacher's enhanced view (RGBA8), rounded as the runtime rounds.</summary>
    public byte[]? TeacherRgba { get; init; }

    public string Name => $"{Source.Label}_v{Recipe.Index}";

    public void Dispose()
    {
        Input.Dispose();
        LogTarget.Dispose();
    }
}

/// <summary>The teacher: the paper's network on host memory through ONNX Runtime, and what identifies its file.</summary>
public sealed class Teacher : IDisposable
{
    private readonly LightMapEstimator _estimator;

    /// <exception cref="ModelLoadException">Missing, unreadable, not the paper's network, or non-finite weights; one line naming the file.</exception>
    public Teacher(string path, int threads)
    {
        var weights = ModelLoader.Load(path);
        Path = System.IO.Path.GetFullPath(path);
        using (var stream = File.OpenRead(path)) Sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        _estimator = new LightMapEstimator(weights, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, Threads = threads });
    }

    public string Path { get; }

    public string Name => System.IO.Path.GetFileName(Path);

    /// <summary>SHA-256 of the teacher file, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>The light map of a planar RGB image in [0, 1].</summary>
    public float[] LightMap(float[] planar, int width, int height, CancellationToken cancellation)
    {
        var lightMap = new float[(long)width * height];
        _estimator.Estimate(planar, height, width, lightMap, cancellation: cancellation);
        return lightMap;
    }

    public void Dispose() => _estimator.Dispose();
}

/// <summary>
/// Computes the teacher's labels once and caches them in RUN_DIR/labels: one file per view, each
/// written atomically, named by the view's source, index and everything its label depends on
/// (teacher, seed, scale), so --resume or a run restarted after an interruption reuses them.
/// Labelling is deterministic given the seed. A progress bar with ETA goes to the error writer.
/// Thread-safety: one thread.
/// </summary>
public static class TeacherLabels
{
    private const int Magic = 0x31564C43; // "CLV1"
    private const int Version = 1;

    /// <summary>
    /// Labels (or loads) every view of every source; held-out groups are <paramref name="validationGroups"/>.
    /// A source that cannot be labelled (or whose cached labels do not read back) is named in an
    /// <c>error:</c> line and left out; the others go on.
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; the views finished so far stay cached.</exception>
    /// <exception cref="InvalidDataException">No source could be labelled.</exception>
    public static List<LabelledView> Prepare(DistillationOptions options, Teacher teacher, IReadOnlyList<SourceImage> sources,
        IReadOnlySet<string> validationGroups, string folder, LabelProgress progress, CancellationToken cancellation)
    {
        Directory.CreateDirectory(folder);
        var architecture = options.Architecture;
        var views = new List<LabelledView>();
        var pending = new List<(SourceImage Source, ViewRecipe Recipe, string Stem)>();
        foreach (var source in sources)
            for (int index = 0; index < options.ViewsPerImage; index++)
            {
                var recipe = DistillationViews.Recipe(options.Seed, source.Key, index);
                string stem = Path.Combine(folder, FileStem(options, teacher, source, index));
                bool validation = validationGroups.Contains(source.Group);
                if (!File.Exists(stem + ".bin") || (validation && !(File.Exists(stem + ".view.png") && File.Exists(stem + ".teacher.png"))))
                    pending.Add((source, recipe, stem));
            }
        progress.Start(pending.Count, sources.Count * options.ViewsPerImage - pending.Count);

        // Sources are decoded once for all their pending views; video frames a video at a time.
        var frames = new Dictionary<string, (Dictionary<int, byte[]> Frames, int Width, int Height)>(StringComparer.Ordinal);
        var failed = new HashSet<SourceImage>();
        foreach (var group in pending.GroupBy(p => p.Source))
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                LabelSource(group, teacher, architecture, validationGroups, pending, frames, progress, cancellation);
            }
            catch (Exception e) when (IsSourceFailure(e))
            {
                progress.Skip($"error: {group.Key}: cannot be labelled ({OneLine(e.Message)}); left out");
                failed.Add(group.Key);
            }
        }
        progress.Finish();
        foreach (var source in sources.Where(s => !failed.Contains(s)))
        {
            try
            {
                var loaded = new List<LabelledView>();
                for (int index = 0; index < options.ViewsPerImage; index++)
                    loaded.Add(Load(source, DistillationViews.Recipe(options.Seed, source.Key, index), Path.Combine(folder, FileStem(options, teacher, source, index)),
                        validationGroups.Contains(source.Group)));
                views.AddRange(loaded);
            }
            catch (Exception e) when (IsSourceFailure(e))
            {
                progress.Skip($"error: {source}: its cached labels cannot be read ({OneLine(e.Message)}); left out (delete them to label it again)");
            }
        }
        if (views.Count == 0) throw new InvalidDataException("no source image could be labelled");
        return views;
    }

    /// <summary>What one source's failure looks like (its decoding, its views, its cached labels): the run goes on without it.</summary>
    private static bool IsSourceFailure(Exception e) =>
        e is InvalidDataException or ImageFileException or VideoFileException or ArgumentException or EndOfStreamException or IOException or InferenceException;

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").TrimEnd('.');

    private static void LabelSource(IGrouping<SourceImage, (SourceImage Source, ViewRecipe Recipe, string Stem)> group, Teacher teacher, StudentArchitecture architecture,
        IReadOnlySet<string> validationGroups, List<(SourceImage Source, ViewRecipe Recipe, string Stem)> pending,
        Dictionary<string, (Dictionary<int, byte[]> Frames, int Width, int Height)> frames, LabelProgress progress, CancellationToken cancellation)
    {
        var (rgba, width, height) = Decode(group.Key, pending, frames, cancellation);
        foreach (var (source, recipe, stem) in group)
        {
            var clock = Stopwatch.StartNew();
            var (view, viewWidth, viewHeight) = DistillationViews.Make(rgba, width, height, recipe);
            var planar = new float[3L * viewWidth * viewHeight];
            PlanarConversion.ToPlanar(view, planar, viewWidth * viewHeight);
            var lightMap = teacher.LightMap(planar, viewWidth, viewHeight, cancellation);
            if (validationGroups.Contains(source.Group))
            {
                PlanarConversion.Compose(planar, lightMap, viewWidth * viewHeight);
                var enhanced = (byte[])view.Clone();
                PlanarConversion.ToRgba(planar, enhanced, viewWidth * viewHeight);
                WritePng(view, viewWidth, viewHeight, stem + ".view.png");
                WritePng(enhanced, viewWidth, viewHeight, stem + ".teacher.png");
            }
            WriteLabel(stem + ".bin", view, lightMap, viewWidth, viewHeight, architecture);
            progress.Done($"{source} ({recipe.Describe()}, {viewWidth}x{viewHeight})", clock.Elapsed.TotalSeconds);
        }
    }

    private static (byte[] Rgba, int Width, int Height) Decode(SourceImage source, List<(SourceImage Source, ViewRecipe Recipe, string Stem)> pending,
        Dictionary<string, (Dictionary<int, byte[]> Frames, int Width, int Height)> videos, CancellationToken cancellation)
    {
        if (source.Frame is not { } frame)
        {
            using var photo = StillImageReader.Read(source.Path);
            var rgba = new byte[4L * photo.Width * photo.Height];
            photo.CopyPixelsTo(rgba);
            return (rgba, photo.Width, photo.Height);
        }
        if (!videos.TryGetValue(source.Path, out var video))
        {
            var wanted = pending.Where(p => p.Source.Path == source.Path && p.Source.Frame is not null).Select(p => p.Source.Frame!.Value).ToHashSet();
            var decoded = SourceImages.ReadVideoFrames(source.Path, wanted, out int width, out int height, cancellation);
            videos[source.Path] = video = (decoded, width, height);
        }
        if (!video.Frames.Remove(frame, out var pixels))
            throw new InvalidDataException($"{source.Path}: frame {frame} could not be decoded");
        return (pixels, video.Width, video.Height);
    }

    /// <summary>The cache name of a view: readable source and index, and a hash of what its label depends on.</summary>
    private static string FileStem(DistillationOptions options, Teacher teacher, SourceImage source, int index)
    {
        string identity = string.Join("|", Version, teacher.Sha256, options.Seed, options.Scale.ToString("R", CultureInfo.InvariantCulture), source.Path, source.Frame, index);
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)))[..12];
        string readable = new(source.Label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return $"{readable}.{hash}.v{index}";
    }

    private static void WritePng(byte[] rgba, int width, int height, string path)
    {
        using var image = StillImage.FromRgba(path, rgba, width, height);
        StillImageWriter.Write(image, path, StillImageWriteOptions.Default);
    }

    /// <summary>Pools the view and the light map to the student's input size and writes both (header, input, light map).</summary>
    private static void WriteLabel(string path, byte[] view, float[] lightMap, int width, int height, StudentArchitecture architecture)
    {
        var (inputWidth, inputHeight) = architecture.InputSize(width, height);
        float[] input, target;
        using (var scope = NewDisposeScope())
        {
            var image = tensor(view, [height, width, 4])[.., .., ..3].permute(2, 0, 1).unsqueeze(0).to(float32) / 255f;
            input = functional.adaptive_avg_pool2d(image, [inputHeight, inputWidth]).contiguous().data<float>().ToArray();
            var light = tensor(lightMap, [1, 1, height, width]);
            target = functional.adaptive_avg_pool2d(light, [inputHeight, inputWidth]).contiguous().data<float>().ToArray();
        }
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            foreach (int value in new[] { Magic, width, height, inputWidth, inputHeight }) writer.Write(value);
            foreach (float value in input) writer.Write(value);
            foreach (float value in target) writer.Write(value);
        });
    }

    private static LabelledView Load(SourceImage source, ViewRecipe recipe, string stem, bool validation)
    {
        string path = stem + ".bin";
        using var reader = new BinaryReader(File.OpenRead(path));
        if (reader.ReadInt32() != Magic) throw new InvalidDataException($"{path}: not a ClipLit label file");
        int width = reader.ReadInt32(), height = reader.ReadInt32(), inputWidth = reader.ReadInt32(), inputHeight = reader.ReadInt32();
        // The header is checked against the file's own length before anything is allocated from it.
        long expected = 5L * sizeof(int) + 4L * (4L * inputWidth * inputHeight);
        if (width <= 0 || height <= 0 || inputWidth <= 0 || inputHeight <= 0 || inputWidth > width || inputHeight > height || reader.BaseStream.Length != expected)
            throw new InvalidDataException($"{path}: a damaged label file");
        int pixels = inputWidth * inputHeight;
        var input = new float[3 * pixels];
        var target = new float[pixels];
        for (int i = 0; i < input.Length; i++) input[i] = reader.ReadSingle();
        for (int i = 0; i < target.Length; i++) target[i] = reader.ReadSingle();
        byte[]? view = null, teacher = null;
        if (validation)
        {
            view = ReadRgba(stem + ".view.png", width, height);
            teacher = ReadRgba(stem + ".teacher.png", width, height);
        }
        using var light = tensor(target, [1, 1, inputHeight, inputWidth]);
        return new LabelledView
        {
            Source = source,
            Recipe = recipe,
            IsValidation = validation,
            Input = tensor(input, [1, 3, inputHeight, inputWidth]),
            LogTarget = light.clamp_min(1e-3).log(),
            Width = width,
            Height = height,
            ViewRgba = view,
            TeacherRgba = teacher,
        };
    }

    private static byte[] ReadRgba(string path, int width, int height)
    {
        using var image = StillImageReader.Read(path);
        if (image.Width != width || image.Height != height) throw new InvalidDataException($"{path}: {image.Width}x{image.Height}, expected {width}x{height}");
        var rgba = new byte[4L * width * height];
        image.CopyPixelsTo(rgba);
        return rgba;
    }
}

/// <summary>
/// The labelling progress: one line redrawn in place on a terminal (bar, views, seconds per view,
/// ETA), a line per view otherwise.
/// </summary>
public sealed class LabelProgress(TextWriter output, bool terminal)
{
    private int _total;
    private int _done;
    private double _seconds;

    public void Start(int toLabel, int cached)
    {
        _total = toLabel;
        if (cached > 0) output.WriteLine($"labels: {cached} views cached");
        if (toLabel > 0) output.WriteLine($"labels: the teacher labels {toLabel} views");
    }

    /// <summary>Sources left out so far.</summary>
    public int Skipped { get; private set; }

    /// <summary>A source left out: its line.</summary>
    public void Skip(string line)
    {
        Skipped++;
        if (terminal) output.WriteLine();
        output.WriteLine(line);
    }

    public void Done(string what, double seconds)
    {
        _done++;
        _seconds += seconds;
        double perView = _seconds / _done;
        string eta = FormatDuration((_total - _done) * perView);
        if (terminal)
        {
            const int width = 24;
            int filled = (int)Math.Round(width * (double)_done / _total);
            output.Write($"\rlabels [{new string('#', filled)}{new string('.', width - filled)}] {_done}/{_total}  {perView.ToString("F1", CultureInfo.InvariantCulture)} s/view  ETA {eta}   ");
        }
        else output.WriteLine($"labels {_done}/{_total}: {what} in {seconds.ToString("F1", CultureInfo.InvariantCulture)} s, ETA {eta}");
    }

    public void Finish()
    {
        if (_done == 0) return;
        if (terminal) output.WriteLine();
        output.WriteLine($"labels: {_done} views in {FormatDuration(_seconds)} ({(_seconds / _done).ToString("F2", CultureInfo.InvariantCulture)} s/view)");
    }

    private static string FormatDuration(double seconds)
    {
        var span = TimeSpan.FromSeconds(seconds);
        return span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:D2}m" : $"{span.Minutes}m{span.Seconds:D2}s";
    }
}
