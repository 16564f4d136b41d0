using System.CommandLine;
using ClipLit.Cli.CommandLine;
using ClipLit.Cli.Photos;
using ClipLit.Cli.Terminal;
using ClipLit.Core.Files;
using ClipLit.Engine;
using ClipLit.Inference.Runtime;
using ClipLit.Jobs;
using ClipLit.Jobs.Inputs;
using ClipLit.Jobs.Options;
using ClipLit.Jobs.Videos;
using ClipLit.Renderer;
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
    private readonly VideoOptionSet _video = new();
    private readonly Option<bool> _overwrite = Define.Flag("--overwrite", "replace outputs that already exist");
    private readonly Option<bool> _skipExisting = Define.Flag("--skip-existing", "skip inputs whose output already exists");
    private readonly Option<bool> _resume = Define.Flag("--resume",
        "videos: keep progress beside the output (a hidden folder) and continue from the last finished minute after Ctrl+C, a crash or kill -9");
    private readonly Option<int?> _jpegQuality = Define.Integer("--jpeg-quality", "N", 1, 100, "JPEG quality 1-100 (default: the source's, else 95)");
    private readonly Option<bool> _quiet = Define.Flag("--quiet", "print only errors", "-q");
    private readonly Option<bool> _verbose = Define.Flag("--verbose", "print where each file's time went", "-v");
    private readonly Option<double?> _fps = ValueParsers.FrameRate("--fps", "frame rate of image-sequence inputs (default 30)");

    public EnhanceCommand(CliContext context)
        : base("enhance", "enhance photos and videos: cliplit enhance <file|folder|pattern>... -o <file|folder>")
    {
        Arguments.Add(_inputs);
        var network = _video.Network;
        foreach (Option option in (Option[])[_output, network.Model, network.Device, _overwrite, _skipExisting, _video.MemoryBudget, _jpegQuality, _quiet, _verbose,
                     network.Quality, network.FastModel, network.FastSize, _video.Upsample, network.Smoothing, network.NoSmoothing, network.Strength, network.Denoise, _video.Codec, _video.Crf, _video.Bitrate, _video.Preset, _fps, _resume])
            Options.Add(option);
        Validators.Add(result =>
        {
            if (result.GetResult(_output) is null) result.AddError("-o/--output is required (a file, or a folder for several inputs)");
            else if (result.GetValue(_inputs) is not { Length: > 0 }) result.AddError("name at least one photo, video, folder or pattern to enhance");
            else if (result.GetValue(_overwrite) && result.GetValue(_skipExisting)) result.AddError("--overwrite and --skip-existing contradict each other");
            else network.CheckSmoothing(result);
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
        int? jpegQuality = args.GetValue(_jpegQuality);
        double sequenceFps = args.GetValue(_fps) ?? 30;
        bool quiet = args.GetValue(_quiet), verbose = args.GetValue(_verbose);
        bool overwrite = args.GetValue(_overwrite), skipExisting = args.GetValue(_skipExisting);

        var inputs = InputExpander.Expand(args.GetValue(_inputs)!);
        bool folderOutput = OutputPlanner.IsFolderOutput(output, inputs);
        if (!folderOutput && !InputExpander.IsWritableMedia(output))
            throw new UsageException($"enhance: output {output} has no photo or video extension ClipLit writes (.png, .jpg, .bmp, .tif, .webp, {VideoFrameWriter.WritableExtensions}); end it with '/' to make it a folder");
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
        // Encoder options ffmpeg would refuse are the command line's mistake: said before any work.
        var encode = _video.Encode(args);
        foreach (string extension in jobs.Where(job => job.Refusal is null && VideoProbe.HasVideoExtension(job.Output))
                     .Select(job => Path.GetExtension(job.Output).ToLowerInvariant()).Distinct())
            if (EncoderCheck.Problem(encode, extension) is { } encoderProblem) throw new UsageException($"enhance: {encoderProblem}");
        RemoveStaleTemporaries(jobs, progress);

        // Photos default to full quality whatever the device; videos to fast on the CPU.
        var photoQuality = args.GetValue(_video.Network.Quality) ?? EnhanceQuality.Full;
        using var pipeline = VideoPipeline.Open(_video, args, context, quiet, video =>
            jobs.Any(job => VideoFileEnhancer.IsMovingPicture(job.Input) ? video.Quality == EnhanceQuality.Fast : photoQuality == EnhanceQuality.Fast));
        if (pipeline is null) return ExitCodes.SomeFailed;
        var photos = new PhotoEnhancer(photoQuality == EnhanceQuality.Fast ? pipeline.FastSession : pipeline.Session, photoQuality, pipeline.Video.FastLongSide,
            new StillImageWriteOptions(jpegQuality), overwrite, pipeline.Video.Strength, pipeline.Video.Denoise);
        var videos = new VideoFileEnhancer(pipeline.VideoSession, pipeline.Video, sequenceFps, new StillImageWriteOptions(jpegQuality), overwrite);
        bool resume = args.GetValue(_resume);
        var resumable = new ResumableVideo(pipeline, _video.Deciding(args, pipeline.Video.Quality), context, quiet, overwrite);

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
                var frames = new Progress<VideoProgress>(p => progress.Frames(p.FramesDone, p.FrameCount, p.FramesPerSecond));
                if (isVideo && resume && VideoProbe.HasVideoExtension(job.Input) && VideoProbe.HasVideoExtension(job.Output))
                {
                    resumable.Enhance(job.Input, job.Output, frames);
                    note = null;
                }
                else if (isVideo)
                {
                    videos.EnhanceAsync(job.Input, job.Output, frames, context.Cancellation).GetAwaiter().GetResult();
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
            catch (Exception e) when (e is ImageFileException or VideoFileException or InferenceException or VulkanException or JobException)
            {
                progress.Fail(e is ImageFileException or VideoFileException or JobException ? e.Message : $"{job.Input}: {e.Message}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The output's folder (or --resume's state beside it) cannot be written: this input fails alone.
                progress.Fail(e.Message.Contains(job.Output, StringComparison.Ordinal) || e.Message.Contains(Path.GetDirectoryName(Path.GetFullPath(job.Output))!, StringComparison.Ordinal)
                    ? $"{job.Input}: {e.Message}"
                    : $"{job.Input}: {job.Output}: {e.Message}");
            }
            catch (OutOfMemoryException)
            {
                progress.Fail($"{job.Input}: out of memory (try a smaller --memory-budget)");
            }
        }

        progress.Summarize();
        if (context.Cancellation.IsCancellationRequested)
        {
            context.Error.WriteLine(resume
                ? "interrupted: the file in progress was not written; the same command again (with --resume) continues from its last finished minute"
                : "interrupted: the file in progress was not written");
            return ExitCodes.Interrupted;
        }
        return progress.Failed > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
    }

    /// <summary>
    /// Removes, once per output folder, the hidden temporaries that runs killed mid-write left behind
    /// (nobody holds their lock any more), saying so for each. Every stale temporary of the
    /// folder goes, not only the outputs': all are ClipLit's own leftovers, and nothing renames them.
    /// </summary>
    private static void RemoveStaleTemporaries(IEnumerable<PhotoJob> jobs, BatchProgress progress)
    {
        var folders = jobs.Where(job => job.Refusal is null)
            .Select(job => Path.GetDirectoryName(Path.GetFullPath(job.Output))!)
            .Distinct(StringComparer.Ordinal);
        foreach (string folder in folders)
            foreach (var stale in StaleTemporaries.Remove(folder))
                progress.Note($"removed stale temporary {stale.Path} (left by process {stale.Name.Writer.Id} of this host, which no longer holds it)");
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
