using ClipLit.Jobs;

namespace ClipLit.Cli.Tests;

/// <summary>How a job's frames are cut into shards: every frame once, in order, with warm-up, cuts on keyframes when near, shards of about equal size.</summary>
[TestFixture]
public sealed class JobPlannerTests
{
    [Test]
    public void KeyframeCutsThatFallShortDoNotPileUpInTheLastShard()
    {
        // A keyframe every 250 frames and a target of 1100: each cut moves back to a keyframe (1000).
        var video = new PlannedVideo(110_000, Enumerable.Range(0, 440).Select(k => k * 250).ToList());
        var shards = JobPlanner.Plan([video], 100);
        var sizes = shards.Select(s => s.Parts.Sum(p => p.End - p.Start)).ToList();
        Assert.That(sizes.Sum(), Is.EqualTo(110_000));
        Assert.That(shards, Has.Count.LessThanOrEqualTo(100));
        Assert.That(sizes.Max(), Is.LessThanOrEqualTo(1500), $"largest shard {sizes.Max()} of sizes {string.Join(",", sizes.Distinct())}");
        Assert.That(shards.SelectMany(s => s.Parts).Skip(1).All(p => p.Start % 250 == 0 && p.DecodeFrom == p.Start - 30), Is.True, "cuts on keyframes, 30 frames of warm-up");
    }

    [Test]
    public void ShortVideosShareShardsAndALongOneSpreadsOverSeveral()
    {
        var videos = new[] { new PlannedVideo(100, [0]), new PlannedVideo(100, [0]), new PlannedVideo(1000, [0]) };
        var shards = JobPlanner.Plan(videos, 4);
        Assert.That(shards.Select(s => string.Join(" ", s.Parts.Select(p => $"{p.Input}:{p.Start}-{p.End}"))),
            Is.EqualTo(new[] { "0:0-100 1:0-100 2:0-100", "2:100-400", "2:400-700", "2:700-1000" }));
    }
}
