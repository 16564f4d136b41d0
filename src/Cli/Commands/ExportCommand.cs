using System.CommandLine;
using ClipLit.Cli.CommandLine;
using ClipLit.Core.Files;
using ClipLit.Inference.Graph;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Jobs.Options;
using Google.Protobuf;

namespace ClipLit.Cli.Commands;

/// <summary><c>cliplit export</c>: write the network as a self-contained ONNX model.</summary>
public sealed class ExportCommand : AppCommand
{
    private readonly Option<string?> _checkpoint = Define.Text("--checkpoint", "MODEL", "the model to export (.pth, or an .onnx to re-export); required", "-c");
    private readonly Option<string?> _output = Define.Text("--output", "PATH", "the .onnx file to write; required", "-o");
    private readonly Option<(int Height, int Width)?> _size = ValueParsers.Size("--size", "fix the input size, e.g. 1920x1080", "-s");

    public ExportCommand(CliContext context)
        : base("export", "write the network as an ONNX model: cliplit export --checkpoint X.pth -o X.onnx")
    {
        Options.Add(_checkpoint);
        Options.Add(_output);
        Options.Add(_size);
        Validators.Add(result =>
        {
            if (result.GetResult(_checkpoint) is null) result.AddError("--checkpoint is required");
            else if (result.GetResult(_output) is null) result.AddError("-o/--output is required");
        });
        Explain("Details", """
            Converts a CLIP-LIT checkpoint (.pth, or an .onnx to re-export) into an ONNX model
            (opset 17) with one input, "image" (1x3xHxW float RGB in [0, 1]), and one output,
            "light_map" (1x1xHxW); the enhanced image is clamp(image / light_map, 0, 1).
            The graph reproduces PyTorch's adaptive average pooling and align_corners bilinear
            upsampling exactly at any size. Without --size the height and width are symbolic;
            with it they are fixed. The model is checked by loading it in ONNX Runtime before
            it is written.
            """);
        SetAction(result => Run(result, context));
    }

    private int Run(ParseResult args, CliContext context)
    {
        string checkpoint = args.GetValue(_checkpoint)!;
        string output = args.GetValue(_output)!;
        var size = args.GetValue(_size);
        if (Path.GetFullPath(output) == Path.GetFullPath(checkpoint))
            throw new UsageException($"export: output {output} is the checkpoint itself");

        EnhancementWeights weights;
        try
        {
            weights = ModelLoader.Load(checkpoint);
        }
        catch (ModelLoadException e)
        {
            return context.Fail(e.Message);
        }

        byte[] model = EnhancementGraphBuilder.Build(weights, EnhancementGraphKind.Full, BorderMode.Reflect, size).ToByteArray();
        // Prove ONNX Runtime accepts the graph before anyone relies on the file.
        using (OrtSessionFactory.Create(ExecutionDevice.Cpu, new OrtSessionSettings(1)).CreateSession(model)) { }

        try
        {
            AtomicFile.Write(output, stream => stream.Write(model));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return context.Fail($"{output}: cannot be written ({e.Message})");
        }
        string shape = size is { } fixedSize ? $"{fixedSize.Width}x{fixedSize.Height}" : "any size";
        context.Error.WriteLine($"wrote {output} ({model.Length / 1024} KiB, input {shape})");
        return ExitCodes.Success;
    }
}
