using ClipLit.Cli.CommandLine;
using ClipLit.Cli.Models;
using ClipLit.Cli.Photos;
using ClipLit.Cli.Terminal;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.VideoIO.Images;

namespace ClipLit.Cli.Commands;

/// <summary><c>cliplit enhance</c>: enhance photos (files, folders, patterns) with the paper's network.</summary>
public static class EnhanceCommand
{
    public const string Help = """
        Usage: cliplit enhance <file|folder|pattern>... -o <file|folder> [options]

        Enhances backlit photos (PNG, JPEG, BMP, TIFF, WebP) with the CLIP-LIT network.
        With a folder as -o (or several inputs), each output keeps its input's file name;
        the output format follows the output's extension. Inputs are never overwritten and
        outputs appear only when complete.

        Options:
          -o, --output PATH        output file, or folder (created if missing)
          -m, --model PATH         .pth checkpoint or .onnx model (default: $CLIPLIT_MODEL,
                                   else the model installed by ./setup)
          -d, --device DEVICE      auto (default: CUDA if usable, else CPU), cpu or cuda
              --memory-budget SIZE activation memory per network run before tiling, e.g. 2G
                                   (default 4G; tiled results equal untiled ones)
              --jpeg-quality N     JPEG quality 1-100 (default: the source's, else 95)
              --skip-existing      skip photos whose output already exists
          -q, --quiet              print only errors
          -v, --verbose            print where each photo's time went
          -h, --help               show this help

        Exit status: 0 all photos enhanced, 1 some failed (the rest were processed), 2 usage error.
        """;

    private static readonly OptionSpec Options = new OptionSpec()
        .Value("output", "-o", "--output")
        .Value("model", "-m", "--model")
        .Value("device", "-d", "--device")
        .Value("memory-budget", "--memory-budget")
        .Value("jpeg-quality", "--jpeg-quality")
        .Flag("skip-existing", "--skip-existing")
        .Flag("quiet", "-q", "--quiet")
        .Flag("verbose", "-v", "--verbose");

    public static int Run(IReadOnlyList<string> arguments, CliContext context)
    {
        var args = ParsedArguments.ParseOrShowHelp("enhance", arguments, Options, Help, context.Out);
        if (args is null) return ExitCodes.Success;
        string output = args.Value("output") ?? throw new UsageException("enhance: -o/--output is required (a file, or a folder for several photos)");
        if (args.Positionals.Count == 0) throw new UsageException("enhance: name at least one photo, folder or pattern to enhance");
        var device = ValueParsers.Device("enhance", args.Value("device"));
        long budget = args.Value("memory-budget") is { } b ? ValueParsers.ByteSize("enhance", "--memory-budget", b) : EnhancerOptions.Default.MemoryBudgetBytes;
        int? jpegQuality = args.Value("jpeg-quality") is null ? null : args.Int("jpeg-quality", 95, 1, 100);
        bool quiet = args.Has("quiet");

        var inputs = InputExpander.Expand(args.Positionals);
        bool folderOutput = OutputPlanner.IsFolderOutput(output, inputs);
        if (!folderOutput && ImageFileFormats.FromExtension(output) is null)
            throw new UsageException($"enhance: output {output} has no photo extension (.png, .jpg, .bmp, .tif, .webp); end it with '/' to make it a folder");
        var jobs = OutputPlanner.Plan(inputs, output, folderOutput);

        var progress = new BatchProgress(context.Error, context.ErrorIsTerminal, jobs.Count + inputs.Problems.Count, quiet);
        foreach (var (argument, problem) in inputs.Problems) progress.Fail($"{argument}: {problem}");
        foreach (string file in inputs.Skipped) progress.Skip(file, "not a photo (unsupported extension)");
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

        using var estimator = OpenModel(args.Value("model"), device, budget, context, quiet);
        if (estimator is null) return ExitCodes.SomeFailed;
        var enhancer = new PhotoEnhancer(estimator, new StillImageWriteOptions(jpegQuality));

        foreach (var job in jobs)
        {
            if (context.Cancellation.IsCancellationRequested) break;
            if (job.Refusal is not null)
            {
                progress.Fail($"{job.Input}: {job.Refusal}");
                continue;
            }
            if (args.Has("skip-existing") && File.Exists(job.Output))
            {
                progress.Skip(job.Input, $"{job.Output} exists (--skip-existing)");
                continue;
            }
            progress.Start(job.Input);
            try
            {
                string? note = enhancer.Enhance(job.Input, job.Output, context.Cancellation);
                if (args.Has("verbose")) note = note is null ? $"{job.Input}: {enhancer.LastTimings}" : $"{note}; {enhancer.LastTimings}";
                progress.Succeeded(job.Input, job.Output, note);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e) when (e is ImageFileException or InferenceException)
            {
                progress.Fail(e is ImageFileException ? e.Message : $"{job.Input}: {e.Message}");
            }
            catch (OutOfMemoryException)
            {
                progress.Fail($"{job.Input}: out of memory (try a smaller --memory-budget)");
            }
        }

        progress.Summarize();
        if (context.Cancellation.IsCancellationRequested)
        {
            context.Error.WriteLine("interrupted: the photo in progress was not written");
            return ExitCodes.Interrupted;
        }
        return progress.Failed > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
    }

    /// <summary>Loads the model and starts ONNX Runtime; on failure prints the one-line error and returns null.</summary>
    internal static LightMapEstimator? OpenModel(string? modelOption, ExecutionDevice device, long budget, CliContext context, bool quiet)
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
            var weights = ModelLoader.Load(modelPath);
            var estimator = new LightMapEstimator(weights, EnhancerOptions.Default with { Device = device, MemoryBudgetBytes = budget });
            if (!quiet)
            {
                context.Error.WriteLine($"model {modelPath}, running on {estimator.Device.Description}");
                if (estimator.Device.FallbackReason is { } why) context.Error.WriteLine($"note: not using CUDA: {why}");
            }
            return estimator;
        }
        catch (ModelLoadException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return null;
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
