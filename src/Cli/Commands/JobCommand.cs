using System.CommandLine;
using System.Globalization;
using ClipLit.Cli.CommandLine;
using ClipLit.Jobs;
using ClipLit.Jobs.Schedulers;
using ClipLit.Jobs.Videos;

namespace ClipLit.Cli.Commands;

/// <summary>
/// <c>cliplit job</c>: a video job split into shards that any number of machines run (a cluster's
/// scheduler: Slurm, Kubernetes; or one machine, one after another), then joined exactly.
/// </summary>
public sealed class JobCommand : AppCommand
{
    /// <summary>The variables a scheduler names a worker's shard with: Slurm's array index, Kubernetes' Indexed Job completion index.</summary>
    public static readonly string[] ShardVariables = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"];

    public JobCommand(CliContext context) : base("job", "split video work into shards for a cluster (Slurm, Kubernetes), run them, join them")
    {
        Explain("Details", """
            A job lives in a folder every worker sees (NFS, Lustre, a Kubernetes volume):
              cliplit job create clip.mp4 -o out.mp4 --shards 8 --dir /shared/jobs/clip
              cliplit job submit /shared/jobs/clip --slurm            (or run each shard yourself:)
              cliplit job run /shared/jobs/clip --shard 3
              cliplit job status /shared/jobs/clip
              cliplit job join /shared/jobs/clip
            Each shard warms the temporal smoothing up on the frames before it, so the joined video
            is the one 'cliplit enhance' makes with the same options (frame for frame up to the
            encoder's noise, timestamps and audio exactly).
            """);
        Subcommands.Add(new CreateCommand(context));
        Subcommands.Add(new RunCommand(context));
        Subcommands.Add(new JoinCommand(context));
        Subcommands.Add(new StatusCommand(context));
        Subcommands.Add(new SubmitCommand(context));
    }

    private static Argument<string> JobDir() => new("JOB_DIR") { Description = "the job folder (from 'cliplit job create')" };

    /// <summary>Runs a job action: a <see cref="JobException"/> or a file-system error becomes its one error line, a cancellation "interrupted".</summary>
    private static int Guarded(CliContext context, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is JobException or IOException or UnauthorizedAccessException)
        {
            return context.Fail(e.Message);
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("interrupted: nothing was left half-written");
            return ExitCodes.Interrupted;
        }
    }

    private sealed class CreateCommand : AppCommand
    {
        private readonly Argument<string[]> _inputs = new("file|folder|pattern") { Description = "the videos (folders and patterns as for enhance)", Arity = ArgumentArity.OneOrMore };
        private readonly Option<string?> _output = Define.Text("--output", "PATH", "output video, or folder for several inputs; required", "-o");
        private readonly Option<string?> _dir = Define.Text("--dir", "JOB_DIR", "the job folder, on storage every worker sees; required");
        private readonly Option<int?> _shards = Define.Integer("--shards", "N", 1, 100_000, "about how many shards (default 1)");
        private readonly Option<bool> _overwrite = Define.Flag("--overwrite", "let the join replace outputs that exist");
        private readonly Option<bool> _quiet = Define.Flag("--quiet", "print only errors", "-q");
        private readonly VideoOptionSet _video = new();

        public CreateCommand(CliContext context) : base("create", "plan a job: inputs checked and checksummed, shards at keyframes, the options pinned")
        {
            Arguments.Add(_inputs);
            foreach (Option option in (Option[])[_output, _dir, _shards, _overwrite, _quiet, .. _video.All]) Options.Add(option);
            Validators.Add(result =>
            {
                if (result.GetResult(_output) is null) result.AddError("-o/--output is required (a video file, or a folder for several inputs)");
                if (result.GetResult(_dir) is null) result.AddError("--dir is required (the job folder, on storage every worker sees)");
                _video.Network.CheckSmoothing(result);
            });
            Explain("Details", """
                Takes every option of 'cliplit enhance' that applies to videos. The model (and for fast
                quality its student) is copied into JOB_DIR/models and the quality fixed (--quality, else
                what enhance would pick: full with --device cuda, or with --device auto where the network
                runs on CUDA here; fast otherwise), so every shard runs the same files the same way.
                Prints the job folder on standard output.
                """);
            SetAction(result => Guarded(context, () =>
                new JobCreation(_video, context, result.GetValue(_quiet)).Run(result, result.GetValue(_inputs)!, result.GetValue(_output)!,
                    new JobFolder(result.GetValue(_dir)!), result.GetValue(_shards) ?? 1, result.GetValue(_overwrite))));
        }
    }

    private sealed class RunCommand : AppCommand
    {
        private readonly Argument<string> _job = JobDir();
        private readonly Option<int?> _shard = Define.Integer("--shard", "K", 0, 1_000_000, "the shard to run (default: $SLURM_ARRAY_TASK_ID, else $JOB_COMPLETION_INDEX)");
        private readonly Option<bool> _quiet = Define.Flag("--quiet", "print only errors", "-q");

        public RunCommand(CliContext context) : base("run", "run one shard of a job (skipped when already done)")
        {
            Arguments.Add(_job);
            Options.Add(_shard);
            Options.Add(_quiet);
            SetAction(result => Guarded(context, () =>
            {
                var folder = new JobFolder(result.GetValue(_job)!);
                var manifest = JobManifest.Read(folder.Path);
                int shard = result.GetValue(_shard) ?? ShardFromScheduler();
                return new ShardRunner(folder, manifest, context, result.GetValue(_quiet)).Run(shard);
            }));
        }

        private static int ShardFromScheduler()
        {
            foreach (string variable in ShardVariables)
                if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value)
                    return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int shard)
                        ? shard
                        : throw new JobException($"${variable} is '{value}', not a shard number");
            throw new UsageException($"job run: give --shard K (no ${string.Join(" or $", ShardVariables)} set by a scheduler)");
        }
    }

    private sealed class JoinCommand : AppCommand
    {
        private readonly Argument<string> _job = JobDir();
        private readonly Option<bool> _quiet = Define.Flag("--quiet", "print only errors", "-q");

        public JoinCommand(CliContext context) : base("join", "put each video together from its shards' parts (refused while a shard is not done)")
        {
            Arguments.Add(_job);
            Options.Add(_quiet);
            SetAction(result => Guarded(context, () =>
            {
                var folder = new JobFolder(result.GetValue(_job)!);
                return new JobJoiner(folder, JobManifest.Read(folder.Path), context, result.GetValue(_quiet)).Run();
            }));
        }
    }

    private sealed partial class SubmitCommand : AppCommand
    {
        private readonly Argument<string> _job = JobDir();
        private readonly Argument<string[]> _schedulerOptions = new("sbatch-options")
        {
            Description = "after '--': more options for sbatch (e.g. -- --partition=video --time=2:00:00)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        private readonly Option<bool> _slurm = Define.Flag("--slurm", "submit to Slurm: an array job for the shards not done, and the join after it");
        private readonly Option<bool> _rerunRunning = Define.Flag("--rerun-running",
            "with --slurm: submit shards marked running too (their worker died without a trace, e.g. its node went down)");
        private readonly Option<bool> _kubernetes = Define.Flag("--kubernetes", "write Kubernetes manifests: an Indexed Job for the shards and a Job for the join");
        private readonly Option<string?> _image = Define.Text("--image", "IMAGE", "with --kubernetes: the container image holding cliplit and ffmpeg");
        private readonly Option<int?> _parallelism = Define.Integer("--parallelism", "N", 1, 100_000, "with --kubernetes: shards at once (default: all)");
        private readonly Option<string?> _claim = Define.Text("--volume-claim", "NAME",
            $"with --kubernetes: the PersistentVolumeClaim holding the job folder (default {KubernetesJobSpec.DefaultClaimName})");
        private readonly Option<string?> _mount = Define.Text("--mount", "PATH", "with --kubernetes: where the claim is mounted (default: the job folder's parent)");

        public SubmitCommand(CliContext context) : base("submit", "hand the job to a cluster's scheduler (Slurm), or write its Kubernetes manifests")
        {
            Arguments.Add(_job);
            Arguments.Add(_schedulerOptions);
            foreach (Option option in (Option[])[_slurm, _rerunRunning, _kubernetes, _image, _parallelism, _claim, _mount]) Options.Add(option);
            Validators.Add(result =>
            {
                bool slurm = result.GetValue(_slurm), kubernetes = result.GetValue(_kubernetes);
                if (slurm == kubernetes) result.AddError("name one scheduler: --slurm or --kubernetes");
                else if (kubernetes && result.GetResult(_image) is null) result.AddError("--kubernetes needs --image IMAGE (a container image with cliplit and ffmpeg)");
            });
            Explain("Details", """
                --slurm: one array job runs the shards that are not done yet ('cliplit job run', the shard
                from SLURM_ARRAY_TASK_ID), a second job joins them once all succeeded (afterok; a failed or
                cancelled shard cancels the join). Submitting again runs only what is missing. Logs go to
                JOB_DIR/logs. Prints the two job ids: 'shards: ID' and 'join: ID'.
                --kubernetes: writes JOB_DIR/kubernetes/shards.yaml (an Indexed Job: completions = shards,
                the shard from JOB_COMPLETION_INDEX) and join.yaml, with the claim mounted where the job
                folder is, and prints the kubectl commands that apply them in order (README: Kubernetes).
                """);
            SetAction(result => Guarded(context, () =>
            {
                var folder = new JobFolder(result.GetValue(_job)!);
                if (result.GetValue(_kubernetes)) return WriteManifests(result, folder, context);
                var jobs = new SlurmSubmission(folder, JobManifest.Read(folder.Path), result.GetValue(_schedulerOptions) ?? [], result.GetValue(_rerunRunning)).Submit();
                if (jobs.LeftRunning.Count > 0)
                    context.Error.WriteLine($"note: shards {string.Join(',', jobs.LeftRunning)} are marked running and were not submitted ('job status' says where; --rerun-running submits them)");
                context.Error.WriteLine(jobs.ShardsJob is null
                    ? $"every shard is done: submitted the join alone, Slurm job {jobs.JoinJob}"
                    : $"submitted shards {string.Join(',', jobs.Shards)} as Slurm array job {jobs.ShardsJob}, the join as job {jobs.JoinJob} (after every shard succeeds)");
                if (jobs.ShardsJob is not null) context.Out.WriteLine($"shards: {jobs.ShardsJob}");
                context.Out.WriteLine($"join: {jobs.JoinJob}");
                return ExitCodes.Success;
            }));
        }
    }

    private sealed partial class SubmitCommand
    {
        private int WriteManifests(ParseResult result, JobFolder folder, CliContext context)
        {
            var manifest = JobManifest.Read(folder.Path);
            var spec = new KubernetesJobSpec(folder.Path, manifest.Shards.Count, result.GetValue(_image)!)
            {
                Parallelism = result.GetValue(_parallelism),
                ClaimName = result.GetValue(_claim) ?? KubernetesJobSpec.DefaultClaimName,
                MountPath = result.GetValue(_mount),
            };
            KubernetesManifestFiles files;
            try
            {
                files = KubernetesManifests.Write(spec);
            }
            catch (ArgumentException e)
            {
                throw new JobException(e.Message);
            }
            context.Error.WriteLine($"wrote {files.Shards} and {files.Join}; apply them in order:");
            foreach (string command in KubernetesManifests.Commands(spec)) context.Out.WriteLine(command);
            return ExitCodes.Success;
        }
    }

    private sealed class StatusCommand : AppCommand
    {
        private readonly Argument<string> _job = JobDir();

        public StatusCommand(CliContext context) : base("status", "each shard: done, running, missing or failed (with its error)")
        {
            Arguments.Add(_job);
            SetAction(result => Guarded(context, () =>
            {
                var folder = new JobFolder(result.GetValue(_job)!);
                var manifest = JobManifest.Read(folder.Path);
                var states = Enumerable.Range(0, manifest.Shards.Count).Select(folder.Status).ToList();
                foreach (var shard in states)
                    context.Out.WriteLine($"shard {shard.Index}: {shard.State.ToString().ToLowerInvariant()}: {shard.Detail}");
                context.Out.WriteLine(string.Join(", ", Enum.GetValues<ShardState>().Select(s => $"{states.Count(x => x.State == s)} {s.ToString().ToLowerInvariant()}"))
                                      + $" of {states.Count} shards");
                return ExitCodes.Success;
            }));
        }
    }
}
