using System.CommandLine;
using ClipLit.Cli.CommandLine;
using ClipLit.Engine;
using ClipLit.Inference.Runtime;
using ClipLit.Jobs.Options;
using ClipLit.Renderer;
using ClipLit.Renderer.Passes;
using ClipLit.VideoIO.Video;

namespace ClipLit.Jobs.Videos;

/// <summary>
/// The options that decide how a video is enhanced, defined once for <c>enhance</c> and
/// <c>job create</c>: the model and where it runs, quality, smoothing, the upsampler, the
/// correction's strength, memory and the encoder. A job stores the ones given (<see cref="Given"/>) and its shards parse them again
/// (<see cref="Parse"/>), so a shard enhances exactly as <c>enhance</c> would with the same options.
/// Thread-safety: build and read on one thread.
/// </summary>
public sealed class VideoOptionSet
{
    public NetworkOptions Network { get; } = new();

    public Option<long?> MemoryBudget { get; } = ValueParsers.ByteSize("--memory-budget",
        "activation memory per network run before tiling, e.g. 2G (default 4G; tiled results equal untiled ones)");

    public Option<UpsampleMode?> Upsample { get; } = Define.Parsed<UpsampleMode>("--upsample", null,
        "videos: fast quality's upsampler without a student, edge-aware (default) or bilinear (a student's map is always bilinear)", ParseUpsample, "edge-aware or bilinear");

    public Option<string?> Codec { get; } = Define.Text("--codec", "NAME", "videos: FFmpeg encoder (default libx264; libvpx-vp9 for .webm)");

    public Option<int?> Crf { get; } = Define.Integer("--crf", "N", 0, 63, "videos: quality, lower is better (default 18 for H.264, 31 for VP9)");

    public Option<string?> Bitrate { get; } = Define.Text("--bitrate", "RATE", "videos: target bitrate such as 8M instead of --crf");

    public Option<string?> Preset { get; } = Define.Text("--preset", "NAME", "videos: encoder preset such as fast or slow (default medium)");

    public VideoOptionSet() => Upsample.CompletionSources.Add("edge-aware", "bilinear");

    /// <summary>Every option of the set, in the order help lists them.</summary>
    public IReadOnlyList<Option> All =>
    [
        Network.Model, Network.Device, MemoryBudget, Network.Quality, Network.FastModel, Network.FastSize, Upsample, Network.Smoothing, Network.NoSmoothing,
        Network.Strength, Network.Denoise, Codec, Crf, Bitrate, Preset,
    ];

    /// <summary>Options that name files: stored as absolute paths, as a job's workers may start elsewhere.</summary>
    private IReadOnlyList<Option> PathOptions => [Network.Model, Network.FastModel];

    /// <summary>The device asked for (auto when none).</summary>
    public ExecutionDevice Device(ParseResult args) => args.GetValue(Network.Device) ?? ExecutionDevice.Auto;

    /// <summary>The memory budget asked for (default 4 GiB).</summary>
    public long Budget(ParseResult args) => args.GetValue(MemoryBudget) ?? EnhancerOptions.Default.MemoryBudgetBytes;

    /// <summary>The encoder options asked for.</summary>
    public VideoEncodeOptions Encode(ParseResult args) => new(args.GetValue(Codec), args.GetValue(Crf), args.GetValue(Bitrate), args.GetValue(Preset));

    /// <summary>The video options chosen (quality defaults to full where the network runs on CUDA, else fast).</summary>
    public VideoEnhanceOptions Video(ParseResult args, bool runsOnCuda) => Network.Video(args, runsOnCuda) with
    {
        Upsample = args.GetValue(Upsample) ?? UpsampleMode.EdgeAware,
        Encode = Encode(args),
    };

    /// <summary>The options given on a command line, as tokens that <see cref="Parse"/> reads back (paths made absolute).</summary>
    public IReadOnlyList<string> Given(ParseResult args)
    {
        var tokens = new List<string>();
        foreach (var option in All)
        {
            if (args.GetResult(option) is not { Implicit: false } given) continue;
            tokens.Add(option.Name);
            foreach (var token in given.Tokens)
                tokens.Add(PathOptions.Contains(option) ? Path.GetFullPath(token.Value) : token.Value);
        }
        return tokens;
    }

    /// <summary>
    /// What decides a frame besides the model files, as tokens: the options given but the model
    /// paths (files are pinned by their checksums, not their names), and the quality chosen (given,
    /// or the default for where the network runs, which may change between two runs).
    /// </summary>
    public List<string> Deciding(ParseResult args, EnhanceQuality quality)
    {
        var tokens = Without(Given(args), Network.Model, Network.FastModel, Network.Quality);
        tokens.AddRange([Network.Quality.Name, quality == EnhanceQuality.Fast ? "fast" : "full"]);
        return tokens;
    }

    /// <summary>The tokens without the named options and their values (each of these options takes one value).</summary>
    public static List<string> Without(IReadOnlyList<string> tokens, params Option[] dropped)
    {
        var kept = new List<string>();
        for (int i = 0; i < tokens.Count; i++)
        {
            if (dropped.Any(o => o.Name == tokens[i])) i++; // the option and its one value
            else kept.Add(tokens[i]);
        }
        return kept;
    }

    /// <summary>Parses tokens from <see cref="Given"/> with this set's options alone.</summary>
    /// <exception cref="FormatException">The tokens are not options of this set (a damaged job manifest).</exception>
    public ParseResult Parse(IReadOnlyList<string> tokens)
    {
        var command = new RootCommand();
        foreach (var option in All) command.Options.Add(option);
        var result = command.Parse(tokens.ToArray());
        if (result.Errors.Count > 0) throw new FormatException(string.Join("; ", result.Errors.Select(e => e.Message)));
        return result;
    }

    private static bool ParseUpsample(string text, out UpsampleMode mode)
    {
        mode = text is "bilinear" ? UpsampleMode.Bilinear : UpsampleMode.EdgeAware;
        return text is "edge-aware" or "guided" or "bilinear";
    }
}
