using System.CommandLine;
using ClipLit.Cli;
using ClipLit.Engine;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Jobs.Options;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Jobs.Videos;

/// <summary>
/// What enhancing needs once per run, opened from the options of a <see cref="VideoOptionSet"/>:
/// the model and its session (where it runs, with notes on what fell back), the video options
/// chosen, and for fast quality the student's sibling session (<see cref="FastModelChoice"/>).
/// <c>enhance</c> and a job's shards open it the same way, so both enhance alike.
/// Ownership: owns both sessions; Dispose releases them (safe twice).
/// </summary>
public sealed class VideoPipeline : IDisposable
{
    private readonly EnhancerSession? _studentSession;
    private bool _disposed;

    private VideoPipeline(EnhancerSession session, EnhancerSession? studentSession, VideoEnhanceOptions video)
    {
        Session = session;
        _studentSession = studentSession;
        Video = video;
    }

    /// <summary>The model's session: full quality, and photos unless fast.</summary>
    public EnhancerSession Session { get; }

    /// <summary>Fast quality's session: the student's where there is one, else the model's own (on a downscaled frame).</summary>
    public EnhancerSession FastSession => _studentSession ?? Session;

    /// <summary>The video options chosen.</summary>
    public VideoEnhanceOptions Video { get; }

    /// <summary>The student fast quality runs, or null (full quality, or the model itself on a downscaled copy).</summary>
    public LightMapModel? Student => _studentSession?.Model;

    /// <summary>The model files that decide the frames, with their checksums (what a resumable run pins).</summary>
    public IReadOnlyList<JobModelFile> PinnedModels =>
    [
        new(ModelRole.Model, Path.GetFullPath(Session.Model.Source), Session.Model.Sha256),
        .. Student is { } student && Video.Quality == EnhanceQuality.Fast ? [new JobModelFile(ModelRole.Student, Path.GetFullPath(student.Source), student.Sha256)] : Array.Empty<JobModelFile>(),
    ];

    /// <summary>The session videos run on.</summary>
    public EnhancerSession VideoSession => Video.Quality == EnhanceQuality.Fast ? FastSession : Session;

    /// <summary>
    /// Loads the model, opens its session and, when fast quality is needed (<paramref name="needsFast"/>
    /// given the video options chosen; null: when the videos' quality is fast), the student's; prints
    /// what runs where unless <paramref name="quiet"/>. On failure prints the one-line error and returns null.
    /// </summary>
    /// <param name="options">The option definitions.</param>
    /// <param name="args">The parsed options.</param>
    /// <param name="context">Where notes and errors go.</param>
    /// <param name="quiet">No notes.</param>
    /// <param name="needsFast">Whether fast quality is needed, given the video options; null: when the videos' quality is fast.</param>
    /// <param name="searchInstalledStudents">Without --fast-model, look for an installed student (a job's shard does not: its job pinned one or none).</param>
    public static VideoPipeline? Open(VideoOptionSet options, ParseResult args, CliContext context, bool quiet,
        Func<VideoEnhanceOptions, bool>? needsFast = null, bool searchInstalledStudents = true)
    {
        var model = NetworkOptions.LoadModel(args.GetValue(options.Network.Model), context);
        if (model is null) return null;
        var device = options.Device(args);
        EnhancerSession session;
        try
        {
            var enhancer = EnhancerOptions.Default with { Device = device, MemoryBudgetBytes = options.Budget(args) };
            session = new EnhancerSession(model, enhancer, VkDeviceOptions.Default, quiet ? null : why => context.Error.WriteLine($"note: {why}"));
        }
        catch (InvalidOperationException e) when (device == ExecutionDevice.Cuda)
        {
            context.Error.WriteLine($"error: --device cuda: {e.Message}");
            return null;
        }
        try
        {
            if (!quiet)
            {
                context.Error.WriteLine($"model {model.Source}, running on {session.Provider.Description}");
                if (session.Provider.FallbackReason is { } why) context.Error.WriteLine($"note: not using CUDA: {why}");
            }
            var video = options.Video(args, session.RunsOnCuda);
            EnhancerSession? studentSession = null;
            if (needsFast?.Invoke(video) ?? video.Quality == EnhanceQuality.Fast)
            {
                StudentModel? student;
                try
                {
                    student = FastModelChoice.Resolve(model, args.GetValue(options.Network.FastModel), quiet ? null : line => context.Error.WriteLine($"note: {line}"),
                        searchInstalledStudents);
                }
                catch (ModelLoadException e)
                {
                    context.Error.WriteLine($"error: {e.Message} (--fast-model)");
                    session.Dispose();
                    return null;
                }
                if (student is not null)
                {
                    studentSession = session.OpenSibling(student);
                    if (!quiet) context.Error.WriteLine($"fast quality: student {student.Source} ({student.Metadata.Validation})");
                }
            }
            return new VideoPipeline(session, studentSession, video);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // The sibling shares the first session's device: it goes first.
        _studentSession?.Dispose();
        Session.Dispose();
    }
}
