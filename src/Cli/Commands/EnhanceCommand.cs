using System.CommandLine;
using ClipLit.Cli.CommandLine;
using ClipLit.Cli.Models;
using ClipLit.Cli.Photos;
using ClipLit.Cli.Terminal;
using ClipLit.Engine.Models;
using ClipLit.Inference.Runtime;
using ClipLit.Cli.Videos;
using ClipLit.Core;
using ClipLit.Engine;
using ClipLit.Renderer;
using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Commands;

/// <summary><c>cliplit enhance</c>: enhance photos and videos (files, folders, patterns).</summary>
public sealed class EnhanceCommand : AppCommand
{
    private readonly Argument<string[]> _inputs = new("file|folder|pattern")
    {
        Description = "photos, videos and image sequences to enhance; folders (not searched recursively) and patterns such as 'shots/*.png'",
        Arity = ArgumentArity.ZeroOrMore,
    };

    private readonly Option<string?> _output = Define.Text("--output", "PATH", "output file, or folder (created if missing); required", "-o");
    private readonly NetworkOptions _network = new();
    private readonly Option<bool> _overwrite = Define.Flag("--overwrite", "replace outputs that already exist");
    private readonly Option<bool> _skipExisting = Define.Flag("--skip-existing", "skip inputs whose output already exists");
    private readonly Option<long?> _memoryBudget = ValueParsers.ByteSize("--memory-budget",
        "activation memory per network run before tiling, e.g. 2G (default 4G; tiled results equal untiled ones)");
    private readonly Option<int?> _jpegQuality = Define.Integer("--jpeg-quality", "N", 1, 100, "JPEG quality 1-100 (default: the source's, else 95)");
    private readonly Option<bool> _quiet = Define.Flag("--quiet", "print only errors", "-q");
    private readonly Option<bool> _verbose = Define.Flag("--verbose", "print where each file's time went", "-v");
    private readonly Option<UpsampleMode?> _upsample = Define.Parsed<UpsampleMode>("--upsample", null,
        "videos: fast quality's upsampler without a student, edge-aware (default) or bilinear (a student's map is always bilinear)", ParseUpsample, "edge-aware or bilinear");
    private readonly Option<string?> _codec = Define.Text("--codec", "NAME", "videos: FFmpeg encoder (default libx264; libvpx-vp9 for .webm)");
    private readonly Option<int?> _crf = Define.Integer("--crf", "N", 0, 63, "videos: quality, lower is better (default 18 for H.264, 31 for VP9)");
    private readonly Option<string?> _bitrate = Define.Text("--bitrate", "RATE", "videos: target bitrate such as 8M instead of --crf");
    private readonly Option<string?> _preset = Define.Text("--preset", "NAME", "videos: encoder preset such as fast or slow (default medium)");
    private readonly Option<double?> _fps = ValueParsers.FrameRate("--fps", "frame rate of image-sequence inputs (default 30)");

    public EnhanceCommand(CliContext context)
        : base("enhance", "enhance photos and videos: cliplit enhance <file|folder|pattern>... -o <file|folder>")
    {
        Arguments.Add(_inputs);
        foreach (Option option in (Option[])[_output, _network.Model, _network.Device, _overwrite, _skipExisting, _memoryBudget, _jpegQuality, _quiet, _verbose,
                     _network.Quality, _network.FastModel, _network.FastSize, _upsample, _network.NoSmoothing, _codec, _crf, _bitrate, _preset, _fps])
            Options.Add(option);
        _upsample.CompletionSources.Add("edge-aware", "bilinear");
        Validators.Add(result =>
        {
            if (result.GetResult(_output) is null) result.AddError("-o/--output is required (a file, or a folder for several inputs)");
            else if (result.GetValue(_inputs) is not { Length: > 0 }) result.AddError("name at least one photo, video, folder or pattern to enhance");
            else if (result.GetValue(_overwrite) && result.GetValue(_skipExisting)) result.AddError("--overwrite and --skip-existing contradict each other");
        });
        Explain("Details", """
            Enhances backlit photos (PNG, JPEG, BMP, TIFF, WebP) and videos (MP4, MOV, MKV, WebM,
            AVI) with the CLIP-LIT network. With a folder as -o (or several inputs), each output
            keeps its input's file name; the output format follows the output's extension. Inputs
            are never overwritten, existing outputs only with --overwrite, and outputs appear only
            when complete. Options marked "videos:" (and --quality, --fast-size, --no-smoothing)
            apply to videos and image sequences.
            """);
        Explain("Image sequences", """
            Image sequences are videos too: name one FFmpeg's way, e.g. 'frames/%05d.png' (frames
            00001.png, 00002.png, ... in number order), as an input (read at --fps) or as the
            output of a video or sequence (frames numbered from 1).
            """);
        Explain("Examples", """
            cliplit enhance photo.jpg -o photo_enhanced.jpg
            cliplit enhance holiday/ more/*.png -o enhanced/
            cliplit enhance scan.tif -o scan.png --device cpu --memory-budget 2G
            cliplit enhance clip.mp4 -o out.mp4 --quality full --crf 20 --preset slow
            cliplit enhance 'shots/%05d.png' -o shot.mp4 --fps 24
            """);
        Explain("Exit status", """
            0 all inputs enhanced, 1 some failed (the rest were processed), 2 usage error,
            130 interrupted.
            """);
        SetAction(result => Run(result, context));
    }

    private int Run(ParseResult args, CliContext context)
    {
        string output = args.GetValue(_output)!;
        var device = args.GetValue(_network.Device) ?? ExecutionDevice.Auto;
        long budget = args.GetValue(_memoryBudget) ?? EnhancerOptions.Default.MemoryBudgetBytes;
        int? jpegQuality = args.GetValue(_jpegQuality);
        double sequenceFps = args.GetValue(_fps) ?? 30;
        bool quiet = args.GetValue(_quiet), verbose = args.GetValue(_verbose);
        bool overwrite = args.GetValue(_overwrite), skipExisting = args.GetValue(_skipExisting);

        var inputs = InputExpander.Expand(args.GetValue(_inputs)!);
        bool folderOutput = OutputPlanner.IsFolderOutput(output, inputs);
        if (!folderOutput && !InputExpander.IsMedia(output))
            throw new UsageException($"enhance: output {output} has no photo or video extension (.png, .jpg, .bmp, .tif, .webp, .mp4, .mov, .mkv, .webm, .avi); end it with '/' to make it a folder");
        var jobs = OutputPlanner.Plan(inputs, output, folderOutput);

        var progress = new BatchProgress(context.Error, context.ErrorIsTerminal, jobs.Count + inputs.Problems.Count, quiet);
        foreach (var (argument, problem) in inputs.Problems) progress.Fail($"{argument}: {problem}");
        foreach (string file in inputs.Skipped) progress.Skip(file, "not a photo or video (unsupported extension)");
        if (jobs.Count == 0)
        {
            progress.Summarize();
            return progress.Failed > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
        }

        string outputFolder = folderOutput ? output : Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (!TryCreateFolder(outputFolder, out string? folderProblem))
        {
            foreach (var job in jobs) progress.Fail($"{job.Input}: cannot create output folder {outputFolder} ({folderProblem})");
            progress.Summarize();
            return ExitCodes.SomeFailed;
        }
        RemoveStaleTemporaries(jobs, progress);

        var model = NetworkOptions.LoadModel(args.GetValue(_network.Model), context);
        if (model is null) return ExitCodes.SomeFailed;
        using var session = OpenSession(model, device, budget, context, quiet);
        if (session is null) return ExitCodes.SomeFailed;
        var videoOptions = _network.Video(args, session.RunsOnCuda) with
        {
            Upsample = args.GetValue(_upsample) ?? UpsampleMode.EdgeAware,
            Encode = new VideoEncodeOptions(args.GetValue(_codec), args.GetValue(_crf), args.GetValue(_bitrate), args.GetValue(_preset)),
        };
        // Photos default to full quality whatever the device; videos to fast on the CPU.
        var photoQuality = args.GetValue(_network.Quality) ?? EnhanceQuality.Full;
        bool fastNeeded = jobs.Any(job => VideoFileEnhancer.IsMovingPicture(job.Input) ? videoOptions.Quality == EnhanceQuality.Fast : photoQuality == EnhanceQuality.Fast);
        StudentModel? student = null;
        if (fastNeeded)
        {
            student = FastModelChoice.Resolve(model, args.GetValue(_network.FastModel), context, quiet, out bool fastModelFailed);
            if (fastModelFailed) return ExitCodes.SomeFailed;
        }
        using var studentSession = student is null ? null : session.OpenSibling(student);
        if (student is not null && !quiet) context.Error.WriteLine($"fast quality: student {student.Source} ({student.Metadata.Validation})");
        var fastSession = studentSession ?? session;
        var photos = new PhotoEnhancer(photoQuality == EnhanceQuality.Fast ? fastSession : session, photoQuality, videoOptions.FastLongSide,
            new StillImageWriteOptions(jpegQuality));
        var videos = new VideoFileEnhancer(videoOptions.Quality == EnhanceQuality.Fast ? fastSession : session, videoOptions, sequenceFps,
            new StillImageWriteOptions(jpegQuality));

        foreach (var job in jobs)
        {
            if (context.Cancellation.IsCancellationRequested) break;
            if (job.Refusal is not null)
            {
                progress.Fail($"{job.Input}: {job.Refusal}");
                continue;
            }
            bool isVideo = VideoFileEnhancer.IsMovingPicture(job.Input);
            if ((isVideo ? VideoFileEnhancer.OutputExists(job.Output) : File.Exists(job.Output)) && !overwrite)
            {
                if (skipExisting) progress.Skip(job.Input, $"{job.Output} exists (--skip-existing)");
                else progress.Fail($"{job.Input}: output {job.Output} already exists (use --overwrite to replace it, or --skip-existing)");
                continue;
            }
            if (isVideo != VideoFileEnhancer.IsMovingPicture(job.Output))
            {
                progress.Fail(isVideo
                    ? $"{job.Input}: cannot write a video as the single photo {job.Output} (name a video, or an image sequence such as frames/%05d.png)"
                    : $"{job.Input}: cannot write a photo as {job.Output} (a video or image sequence); keep the kind of file");
                continue;
            }
            progress.Start(job.Input);
            try
            {
                string? note;
                if (isVideo)
                {
                    videos.EnhanceAsync(job.Input, job.Output, new Progress<VideoProgress>(p => progress.Frames(p.FramesDone, p.FrameCount, p.FramesPerSecond)),
                        context.Cancellation).GetAwaiter().GetResult();
                    note = verbose ? $"{job.Input}: {videos.LastTimings}" : null;
                }
                else
                {
                    note = photos.Enhance(job.Input, job.Output, context.Cancellation);
                    if (verbose) note = note is null ? $"{job.Input}: {photos.LastTimings}" : $"{note}; {photos.LastTimings}";
                }
                progress.Succeeded(job.Input, job.Output, note);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e) when (e is ImageFileException or VideoFileException or InferenceException or VulkanException)
            {
                progress.Fail(e is ImageFileException or VideoFileException ? e.Message : $"{job.Input}: {e.Message}");
            }
            catch (OutOfMemoryException)
            {
                progress.Fail($"{job.Input}: out of memory (try a smaller --memory-budget)");
            }
        }

        progress.Summarize();
        if (context.Cancellation.IsCancellationRequested)
        {
            context.Error.WriteLine("interrupted: the file in progress was not written");
            return ExitCodes.Interrupted;
        }
        return progress.Failed > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
    }

    /// <summary>
    /// Removes, once per output folder, the hidden temporaries that runs on this host killed mid-write
    /// left behind (their process no longer runs), saying so for each. Every stale temporary of the
    /// folder goes, not only the outputs': all are ClipLit's own leftovers, and nothing renames them.
    /// </summary>
    private static void RemoveStaleTemporaries(IEnumerable<PhotoJob> jobs, BatchProgress progress)
    {
        var folders = jobs.Where(job => job.Refusal is null)
            .Select(job => Path.GetDirectoryName(Path.GetFullPath(job.Output))!)
            .Distinct(StringComparer.Ordinal);
        foreach (string folder in folders)
            foreach (var stale in StaleTemporaries.Remove(folder))
                progress.Note($"removed stale temporary {stale.Path} (left by process {stale.Name.Writer.Id} on this host, which no longer runs)");
    }

    private static bool ParseUpsample(string text, out UpsampleMode mode)
    {
        mode = text is "bilinear" ? UpsampleMode.Bilinear : UpsampleMode.EdgeAware;
        return text is "edge-aware" or "guided" or "bilinear";
    }

    /// <summary>
    /// The run's session: ONNX Runtime on the device (photos return memory after each image, since
    /// sizes vary; videos keep it), the Vulkan device and the frames' tensors on first use. On failure
    /// prints the one-line error and returns null.
    /// </summary>
    private static EnhancerSession? OpenSession(LightMapModel model, ExecutionDevice device, long budget, CliContext context, bool quiet)
    {
        try
        {
            var options = EnhancerOptions.Default with { Device = device, MemoryBudgetBytes = budget };
            var session = new EnhancerSession(model, options, VkDeviceOptions.Default, quiet ? null : why => context.Error.WriteLine($"note: {why}"));
            if (!quiet)
            {
                context.Error.WriteLine($"model {model.Source}, running on {session.Provider.Description}");
                if (session.Provider.FallbackReason is { } why) context.Error.WriteLine($"note: not using CUDA: {why}");
            }
            return session;
        }
        catch (InvalidOperationException e) when (device == ExecutionDevice.Cuda)
        {
            context.Error.WriteLine($"error: --device cuda: {e.Message}");
            return null;
        }
    }

    private static bool TryCreateFolder(string folder, out string? problem)
    {
        try
        {
            Directory.CreateDirectory(folder);
            problem = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return false;
        }
    }
}
