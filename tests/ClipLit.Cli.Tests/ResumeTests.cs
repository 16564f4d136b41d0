using System.Diagnostics;
using ClipLit.Cli.Videos;
using ClipLit.TestSupport;

namespace ClipLit.Cli.Tests;

/// <summary>
/// <c>enhance --resume</c>: the built app killed with SIGKILL in the middle of a video leaves its
/// finished shards; the same command again continues from them and gives the video a plain
/// <c>enhance</c> gives (timestamps exactly, every frame at least 50 dB), and removes its state.
/// </summary>
[TestFixture]
[NonParallelizable] // sets an environment variable the in-process run reads
public sealed class ResumeTests
{
    private const string ShardFrames = "CLIPLIT_RESUME_FRAMES_PER_SHARD";

    [Test]
    public void AKilledRunContinuesFromItsLastFinishedShard()
    {
        using var workspace = new Workspace();
        string clip = workspace.PathOf("clip.mp4"), output = workspace.PathOf("out.mp4"), plain = workspace.PathOf("plain.mp4");
        VideoTests.Ffmpeg($"-v error -i \"{SharedData.Path("data", "video", "backlit_720p30.mp4")}\" -t 3 -vf scale=320:180 -c:v libx264 -preset ultrafast -c:a copy \"{clip}\"");
        string[] options = ["--quality", "fast", "--crf", "0", "--preset", "ultrafast", "--model", SharedData.EnhancementCheckpoint];
        string state = ResumableVideo.StateFolder(output);

        var start = new ProcessStartInfo(SiblingAppChecks.Cliplit) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in (string[])["enhance", clip, "-o", output, "--resume", .. options]) start.ArgumentList.Add(argument);
        start.Environment[ShardFrames] = "30";
        using (var first = Process.Start(start)!)
        {
            first.BeginErrorReadLine();
            first.BeginOutputReadLine();
            var deadline = Stopwatch.StartNew();
            while (!File.Exists(Path.Combine(state, "shards", "0", "done.json")) && !first.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(100);
            Assert.That(first.HasExited, Is.False, "the first run must still be running when its first shard is done");
            first.Kill(); // SIGKILL: no chance to clean up
            first.WaitForExit();
        }
        Assert.That(File.Exists(output), Is.False);

        Environment.SetEnvironmentVariable(ShardFrames, "30");
        Cli.Result second;
        try
        {
            second = Cli.Run(["enhance", clip, "-o", output, "--resume", .. options]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(ShardFrames, null);
        }
        Assert.That(second.ExitCode, Is.EqualTo(0), second.ToString());
        Assert.That(second.Error, Does.Match(@"note: resuming .*clip\.mp4: [123] of 3 shards already done"));
        Assert.That(Directory.Exists(state), Is.False, "the state goes once the output is complete");
        Assert.That(workspace.PartialFiles(), Is.Empty);

        Assert.That(Cli.Run(["enhance", clip, "-o", plain, "-q", .. options]).ExitCode, Is.EqualTo(0));
        VideoComparison.AssertSameAsSingleRun(plain, output, "the resumed video");
    }
}
