using System.CommandLine;
using ClipLit.Cli.CommandLine;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;

namespace ClipLit.Cli.Commands;

/// <summary><c>cliplit models</c>: show the default model; <c>cliplit models install</c>: install it.</summary>
public sealed class ModelsCommand : AppCommand
{
    public ModelsCommand(CliContext context) : base("models", "show or install the default model")
    {
        Explain("Details", """
            Without arguments, prints which model 'cliplit enhance' uses when --model is not given,
            and the per-user model folder. 'cliplit models install' installs one.
            """);
        SetAction(_ => Show(context));
        Subcommands.Add(new InstallCommand(context));
    }

    private static int Show(CliContext context)
    {
        string? model = ModelStore.ResolveDefault(out string reason);
        context.Out.WriteLine(model is null ? reason : $"default model: {model} (from {reason})");
        context.Out.WriteLine($"per-user model folder: {ModelStore.UserModelFolder}");
        if (Directory.Exists(StudentStore.UserStudentFolder))
            foreach (string student in Directory.EnumerateFiles(StudentStore.UserStudentFolder, "*.onnx").Order(StringComparer.Ordinal))
                context.Out.WriteLine($"student (fast quality): {student}"
                    + (StudentStore.IsOutdatedDefault(student) ? " (an earlier version's default: the shipped one serves; 'cliplit models install' updates it)" : ""));
        return model is null ? ExitCodes.SomeFailed : ExitCodes.Success;
    }

    /// <summary><c>cliplit models install</c>: put the paper's checkpoint into the per-user model folder.</summary>
    private sealed class InstallCommand : AppCommand
    {
        private readonly Option<string?> _source = Define.Text("--source", "DIR", "take the checkpoint from this folder first");
        private readonly Option<string?> _url = Define.Text("--url", "URL", "download it from here instead of the paper's release");

        public InstallCommand(CliContext context) : base("install", "install the paper's trained checkpoint as the default model, and its distilled student")
        {
            Options.Add(_source);
            Options.Add(_url);
            Explain("Details", """
                Puts the paper's trained checkpoint (enhancement_model.pth) into the per-user model
                folder. With --source DIR, from that folder alone: if it holds no valid checkpoint
                that is an error (exit 1), and a valid one replaces an installed model of other
                content. Without, unless a valid model is already there, from the first of:
                $CLIPLIT_MODEL_SOURCE, the shared/models/clip-lit folder beside the repository, or a
                download of the paper's release (verified by SHA-256).
                With it comes the default student distilled from that checkpoint (students/ in the
                same folder), which gives fast quality its light maps.
                """);
            SetAction(result => Run(result, context));
        }

        private int Run(ParseResult args, CliContext context)
        {
            Uri? url = args.GetValue(_url) is { } u
                ? Uri.TryCreate(u, UriKind.Absolute, out var parsed) ? parsed : throw new UsageException($"models: --url is not an absolute URL: {u}")
                : null;
            try
            {
                context.Error.WriteLine(ModelStore.ProvisionAsync(args.GetValue(_source), url, context.Cancellation).GetAwaiter().GetResult());
                context.Error.WriteLine(StudentStore.Install());
                return ExitCodes.Success;
            }
            catch (ModelLoadException e)
            {
                return context.Fail(e.Message);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return context.Fail($"{ModelStore.UserModelFolder}: cannot be written ({e.Message})");
            }
        }
    }
}
