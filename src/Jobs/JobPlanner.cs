using ClipLit.Engine;

namespace ClipLit.Jobs;

/// <summary>A video to plan: its frame count and keyframes (display order).</summary>
/// <param name="Frames">Frames.</param>
/// <param name="Keyframes">Keyframe indices, ascending, starting with 0.</param>
public sealed record PlannedVideo(int Frames, IReadOnlyList<int> Keyframes);

/// <summary>
/// Splits videos into about N shards of equal frame counts: the videos' frames in order, cut where
/// a shard is full. A cut inside a video moves to the nearest keyframe when one is within a quarter
/// of a shard (encoders put keyframes at scene cuts, where the temporal average restarts, so a part
/// starting there is exact even before its warm-up counts), else it stays on the frame (the reader
/// seeks exactly either way). Every part but a video's first warms up on the
/// <see cref="FrameRange.DefaultWarmUp"/> frames before it. A batch of short videos packs whole
/// videos into shards; a long video spreads over several.
/// Thread-safety: stateless.
/// </summary>
public static class JobPlanner
{
    public static IReadOnlyList<JobShard> Plan(IReadOnlyList<PlannedVideo> videos, int shards, int warmUp = FrameRange.DefaultWarmUp)
    {
        if (shards < 1) throw new ArgumentOutOfRangeException(nameof(shards), "at least one shard");
        long total = videos.Sum(v => (long)v.Frames);
        if (total == 0) throw new ArgumentException("no frames to plan", nameof(videos));
        long TargetFor(long remaining, int shardsLeft) => Math.Max(1, (remaining + shardsLeft - 1) / shardsLeft);
        long target = TargetFor(total, shards), placed = 0;
        var planned = new List<List<JobPart>> { new() };
        long fill = 0;
        for (int input = 0; input < videos.Count; input++)
        {
            var video = videos[input];
            int start = 0;
            while (start < video.Frames)
            {
                if (fill >= target && planned.Count < shards)
                {
                    planned.Add([]);
                    fill = 0;
                    // What keyframe cuts left short or long spreads over the shards still to fill.
                    target = TargetFor(total - placed, shards - planned.Count + 1);
                }
                int end = planned.Count == shards ? video.Frames : Cut(video, start, (int)Math.Min(video.Frames, start + (target - fill)), target);
                planned[^1].Add(new JobPart(input, Math.Max(0, start - warmUp), start, end));
                // A part cut inside its video fills its shard (even when a keyframe ended it early): the rest goes to the next.
                fill = end < video.Frames ? target : fill + (end - start);
                placed += end - start;
                start = end;
            }
        }
        return planned.Where(parts => parts.Count > 0).Select((parts, index) => new JobShard(index, parts)).ToList();
    }

    /// <summary>Where a part that would end at <paramref name="end"/> ends: there, or at the nearest keyframe within a quarter shard.</summary>
    private static int Cut(PlannedVideo video, int start, int end, long target)
    {
        if (end >= video.Frames) return video.Frames;
        long slack = Math.Max(1, target / 4);
        int best = end;
        long bestDistance = long.MaxValue;
        foreach (int keyframe in video.Keyframes)
        {
            long distance = Math.Abs(keyframe - end);
            if (keyframe > start && distance <= slack && distance < bestDistance)
            {
                best = keyframe;
                bestDistance = distance;
            }
        }
        return best;
    }
}
