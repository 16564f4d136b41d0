using ClipLit.Cli.CommandLine;
using ClipLit.Cli.Models;
using ClipLit.Cli.Photos;
using ClipLit.Cli.Terminal;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Cli.Videos;
using ClipLit.Engine;
using ClipLit.Renderer;
using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Commands;

/// <summary><c>cliplit enhance</c>: enhance photos and videos (files, folders, patterns).</summary>
public static class EnhanceCommand
{
    public const string Help = """
        Usage: cliplit enhance <file|folder|pattern>... -o <file|folder> [options]

        Enhances backlit photos (PNG, JPEG, BMP, TIFF, WebP) and videos (MP4, MOV, MKV, WebM,
        AVI) with the CLIP-LIT network. With a folder as -o (or several inputs), each output
        keeps its input's file name; the output format follows the output's extension. Inputs
        are never overwritten, existing outputs only with --overwrite, and outputs appear only
        when complete.

        Image sequences are videos too: name one FFmpeg's way, e.g. 'frames/%05d.png' (frames
        00001.png, 00002.png, ... in number order), as an input (read at --fps) or as the
        output of a video or sequence (frames numbered from 1).

        Options:
          -o, --output PATH        output file, or folder (created if missing)
          -m, --model PATH         .pth checkpoint or .onnx model (default: $CLIPLIT_MODEL,
                                   else the model installed by ./setup)
          -d, --device DEVICE      auto (default: CUDA if usable, else CPU), cpu or cuda
              --overwrite          replace outputs that already exist
              --skip-existing      skip inputs whose output already exists
              --memory-budget SIZE activation memory per network run before tiling, e.g. 2G
                                   (default 4G; tiled results equal untiled ones)
              --jpeg-quality N     JPEG quality 1-100 (default: the source's, else 95)
          -q, --quiet              print only errors
          -v, --verbose            print where each file's time went

        Video options:
              --quality Q          full: the paper's network at full resolution (default with
                                   CUDA); fast: the network on a downscaled frame, its light map
                                   upsampled edge-aware (default on CPU)
              --fast-size N        long side of the network's input in fast quality (default 256)
              --upsample U         fast quality's upsampler: edge-aware (default) or bilinear
              --no-smoothing       no temporal smoothing of the light map (it flickers)
              --codec NAME         FFmpeg encoder (default libx264; libvpx-vp9 for .webm)
              --crf N              quality, lower is better (default 18 for H.264, 31 for VP9)
              --bitrate RATE       target bitrate such as 8M instead of --crf
              --preset NAME        encoder preset such as fast or slow (default medium)
              --fps N              frame rate of image-sequence inputs (default 30)
          -h, --help               show this help

        Exit status: 0 all inputs enhanced, 1 some failed (the rest were processed),
        2 usage error, 130 interrupted.
        """;

    private static readonly OptionSpec Options = new OptionSpec()
        .Value("output", "-o", "--output")
        .Value("model", "-m", "--model")
        .Value("device", "-d", "--device")
        .Value("memory-budget", "--memory-budget")
        .Value("jpeg-quality", "--jpeg-quality")
        .Value("quality", "--quality")
        .Value("fast-size", "--fast-size")
        .Value("upsample", "--upsample")
        .Value("codec", "--codec")
        .Value("crf", "--crf")
        .Value("bitrate", "--bitrate")
        .Value("preset", "--preset")
        .Value("fps", "--fps")
        .Flag("no-smoothing", "--no-smoothing")
        .Flag("overwrite", "--overwrite")
        .Flag("skip-existing", "--skip-existing")
        .Flag("quiet", "-q", "--quiet")
        .Flag("verbose", "-v", "--verbose");

    public static int Run(IReadOnlyList<string> arguments, CliContext context)
    {
        var args = ParsedArguments.ParseOrShowHelp("enhance", arguments, Options, Help, context.Out);
        if (args is null) return ExitCodes.Success;
        string output = args.Value("output") ?? throw new UsageException("enhance: -o/--output is required (a file, or a folder for several inputs)");
        if (args.Positionals.Count == 0) throw new UsageException("enhance: name at least one photo, video, folder or pattern to enhance");
        if (args.Has("overwrite") && args.Has("skip-existing")) throw new UsageException("enhance: --overwrite and --skip-existing contradict each other");
        var device = ValueParsers.Device("enhance", args.Value("device"));
        long budget = args.Value("memory-budget") is { } b ? ValueParsers.ByteSize("enhance", "--memory-budget", b) : EnhancerOptions.Default.MemoryBudgetBytes;
        int? jpegQuality = args.Value("jpeg-quality") is null ? null : args.Int("jpeg-quality", 95, 1, 100);
        var videoOptions = VideoOptions(args);
        double sequenceFps = args.Value("fps") is { } fps ? ValueParsers.FrameRate("enhance", fps) : 30;
        bool quiet = args.Has("quiet");

        var inputs = InputExpander.Expand(args.Positionals);
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

        var model = LoadModel(args.Value("model"), context);
        if (model is null) return ExitCodes.SomeFailed;
        using var session = OpenSession(model, device, budget, context, quiet);
        if (session is null) return ExitCodes.SomeFailed;
        var photos = new PhotoEnhancer(session, new StillImageWriteOptions(jpegQuality));
        if (videoOptions.Quality is null)
            videoOptions = videoOptions with { Quality = session.RunsOnCuda ? EnhanceQuality.Full : EnhanceQuality.Fast };
        var videos = new VideoFileEnhancer(session, videoOptions.Resolve(), sequenceFps, new StillImageWriteOptions(jpegQuality));

        foreach (var job in jobs)
        {
            if (context.Cancellation.IsCancellationRequested) break;
            if (job.Refusal is not null)
            {
                progress.Fail($"{job.Input}: {job.Refusal}");
                continue;
            }
            bool isVideo = VideoFileEnhancer.IsMovingPicture(job.Input);
            if ((isVideo ? VideoFileEnhancer.OutputExists(job.Output) : File.Exists(job.Output)) && !args.Has("overwrite"))
            {
                if (args.Has("skip-existing")) progress.Skip(job.Input, $"{job.Output} exists (--skip-existing)");
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
                    note = args.Has("verbose") ? $"{job.Input}: {videos.LastTimings}" : null;
                }
                else
                {
                    note = photos.Enhance(job.Input, job.Output, context.Cancellation);
                    if (args.Has("verbose")) note = note is null ? $"{job.Input}: {photos.LastTimings}" : $"{note}; {photos.LastTimings}";
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

    /// <summary>Video options from the command line; Quality stays null when not given (it depends on the device).</summary>
    private sealed record VideoChoices(EnhanceQuality? Quality, int FastLongSide, UpsampleMode Upsample, bool Smoothing, VideoEncodeOptions Encode)
    {
        public VideoEnhanceOptions Resolve() => VideoEnhanceOptions.Default with
        {
            Quality = Quality ?? EnhanceQuality.Fast,
            FastLongSide = FastLongSide,
            Upsample = Upsample,
            Temporal = Smoothing ? TemporalOptions.Default : TemporalOptions.Off,
            Encode = Encode,
        };
    }

    private static VideoChoices VideoOptions(ParsedArguments args)
    {
        EnhanceQuality? quality = args.Value("quality") switch
        {
            null => null,
            "full" => EnhanceQuality.Full,
            "fast" => EnhanceQuality.Fast,
            var other => throw new UsageException($"enhance: --quality must be fast or full, got '{other}'"),
        };
        var upsample = args.Value("upsample") switch
        {
            null or "edge-aware" or "guided" => UpsampleMode.EdgeAware,
            "bilinear" => UpsampleMode.Bilinear,
            var other => throw new UsageException($"enhance: --upsample must be edge-aware or bilinear, got '{other}'"),
        };
        int? crf = args.Value("crf") is null ? null : args.Int("crf", 18, 0, 63);
        var encode = new VideoEncodeOptions(args.Value("codec"), crf, args.Value("bitrate"), args.Value("preset"));
        return new VideoChoices(quality, args.Int("fast-size", FrameLayout.DefaultFastLongSide, 16, 4096), upsample, !args.Has("no-smoothing"), encode);
    }

    /// <summary>Reads the model (--model, else the default); on failure prints the one-line error and returns null.</summary>
    internal static LightMapModel? LoadModel(string? modelOption, CliContext context)
    {
        string? modelPath = modelOption;
        if (modelPath is null)
        {
            modelPath = ModelStore.ResolveDefault(out string reason);
            if (modelPath is null)
            {
                context.Error.WriteLine($"error: {reason}");
                return null;
            }
        }
        try
        {
            return ModelFile.Load(modelPath);
        }
        catch (ModelLoadException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return null;
        }
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
