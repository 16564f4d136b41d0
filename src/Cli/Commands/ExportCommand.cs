using ClipLit.Cli.CommandLine;
using ClipLit.Core;
using ClipLit.Inference.Graph;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using Google.Protobuf;

namespace ClipLit.Cli.Commands;

/// <summary><c>cliplit export</c>: write the network as a self-contained ONNX model.</summary>
public static class ExportCommand
{
    public const string Help = """
        Usage: cliplit export --checkpoint MODEL -o OUTPUT.onnx [--size WxH]

        Converts a CLIP-LIT checkpoint (.pth, or an .onnx to re-export) into an ONNX model
        (opset 17) with one input, "image" (1x3xHxW float RGB in [0, 1]), and one output,
        "light_map" (1x1xHxW); the enhanced image is clamp(image / light_map, 0, 1).
        The graph reproduces PyTorch's adaptive average pooling and align_corners bilinear
        upsampling exactly at any size. Without --size the height and width are symbolic;
        with it they are fixed. The model is checked by loading it in ONNX Runtime before
        it is written.

        Options:
          -c, --checkpoint PATH   the model to export
          -o, --output PATH       the .onnx file to write
          -s, --size WxH          fix the input size, e.g. 1920x1080
          -h, --help              show this help
        """;

    private static readonly OptionSpec Options = new OptionSpec()
        .Value("checkpoint", "-c", "--checkpoint")
        .Value("output", "-o", "--output")
        .Value("size", "-s", "--size");

    public static int Run(IReadOnlyList<string> arguments, CliContext context)
    {
        var args = ParsedArguments.ParseOrShowHelp("export", arguments, Options, Help, context.Out);
        if (args is null) return ExitCodes.Success;
        if (args.Positionals.Count > 0) throw new UsageException($"export: unexpected argument '{args.Positionals[0]}'");
        string checkpoint = args.Value("checkpoint") ?? throw new UsageException("export: --checkpoint is required");
        string output = args.Value("output") ?? throw new UsageException("export: -o/--output is required");
        (int Height, int Width)? size = args.Value("size") is { } s ? ValueParsers.Size("export", "--size", s) : null;
        if (Path.GetFullPath(output) == Path.GetFullPath(checkpoint))
            throw new UsageException($"export: output {output} is the checkpoint itself");

        EnhancementWeights weights;
        try
        {
            weights = ModelLoader.Load(checkpoint);
        }
        catch (ModelLoadException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.SomeFailed;
        }

        byte[] model = EnhancementGraphBuilder.Build(weights, EnhancementGraphKind.Full, BorderMode.Reflect, size).ToByteArray();
        // Prove ONNX Runtime accepts the graph before anyone relies on the file.
        using (OrtSessionFactory.Create(ExecutionDevice.Cpu, 1).CreateSession(model)) { }

        try
        {
            AtomicFile.Write(output, stream => stream.Write(model));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"error: {output}: cannot be written ({e.Message})");
            return ExitCodes.SomeFailed;
        }
        string shape = size is { } fixedSize ? $"{fixedSize.Width}x{fixedSize.Height}" : "any size";
        context.Error.WriteLine($"wrote {output} ({model.Length / 1024} KiB, input {shape})");
        return ExitCodes.Success;
    }
}
