using ClipLit.Cli.CommandLine;
using ClipLit.Cli.Models;
using ClipLit.Inference.Model;

namespace ClipLit.Cli.Commands;

/// <summary><c>cliplit models</c>: show and install the default model.</summary>
public static class ModelsCommand
{
    public const string Help = """
        Usage: cliplit models [install [--source DIR] [--url URL]]

        Without arguments, prints which model 'cliplit enhance' uses when --model is not given.
        'install' puts the paper's trained checkpoint (enhancement_model.pth) into the per-user
        model folder, taking it from, in order: --source DIR, $CLIPLIT_MODEL_SOURCE, the
        shared/models/clip-lit folder beside the repository, or a download of the paper's
        release (verified by SHA-256). Nothing is replaced if a valid model is already there.
        """;

    private static readonly OptionSpec Options = new OptionSpec()
        .Value("source", "--source")
        .Value("url", "--url");

    public static int Run(IReadOnlyList<string> arguments, CliContext context)
    {
        var args = ParsedArguments.ParseOrShowHelp("models", arguments, Options, Help, context.Out);
        if (args is null) return ExitCodes.Success;
        switch (args.Positionals)
        {
            case []:
                {
                    string? model = ModelStore.ResolveDefault(out string reason);
                    context.Out.WriteLine(model is null ? reason : $"default model: {model} (from {reason})");
                    context.Out.WriteLine($"per-user model folder: {ModelStore.UserModelFolder}");
                    return model is null ? ExitCodes.SomeFailed : ExitCodes.Success;
                }
            case ["install"]:
                {
                    Uri? url = args.Value("url") is { } u
                        ? Uri.TryCreate(u, UriKind.Absolute, out var parsed) ? parsed : throw new UsageException($"models: --url is not an absolute URL: {u}")
                        : null;
                    try
                    {
                        context.Error.WriteLine(ModelStore.ProvisionAsync(args.Value("source"), url, context.Cancellation).GetAwaiter().GetResult());
                        return ExitCodes.Success;
                    }
                    catch (ModelLoadException e)
                    {
                        context.Error.WriteLine($"error: {e.Message}");
                        return ExitCodes.SomeFailed;
                    }
                }
            default:
                throw new UsageException($"models: unknown subcommand '{string.Join(' ', args.Positionals)}' (try 'cliplit models --help')");
        }
    }
}
