using System.Diagnostics;
using ClipLit.Inference.Imaging;
using ClipLit.Inference.Runtime;
using ClipLit.VideoIO.Images;

namespace ClipLit.Bench.Photos;

/// <summary>
/// One image's in-process measurement of the light map computation (network only).
/// Thread-safety: immutable.
/// </summary>
public sealed record NetworkResult(string Image, int Width, int Height, PlanStrategy Plan, Timings Forward, double PeakMiB, TimeSpan SessionLoad);

/// <summary>
/// Times <see cref="LightMapEstimator.Estimate"/> on decoded photos, sessions loaded beforehand.
/// Thread-safety: stateless; one benchmark at a time per process (peak memory is the process's).
/// </summary>
public static class NetworkBenchmark
{
    public static NetworkResult Measure(LightMapEstimator estimator, string image, int repeat)
    {
        var (planar, height, width) = LoadPlanar(image);
        var lightMap = new float[height * width];
        var plan = estimator.Plan(height, width);
        var loadBefore = estimator.LoadTime;
        estimator.Preload(plan);
        var sessionLoad = estimator.LoadTime - loadBefore;

        MemoryProbe.ResetPeak();
        var seconds = new List<double>();
        for (int i = 0; i < repeat; i++)
        {
            var watch = Stopwatch.StartNew();
            estimator.Estimate(planar, height, width, lightMap, plan);
            seconds.Add(watch.Elapsed.TotalSeconds);
        }
        return new NetworkResult(image, width, height, plan.Strategy, new Timings(seconds), MemoryProbe.PeakMiB(), sessionLoad);
    }

    private static (float[] Planar, int Height, int Width) LoadPlanar(string path)
    {
        using var image = StillImageReader.Read(path);
        int pixels = image.Width * image.Height;
        var rgba = new byte[4 * pixels];
        image.CopyPixelsTo(rgba);
        var planar = new float[3 * pixels];
        PlanarConversion.ToPlanar(rgba, planar, pixels);
        return (planar, image.Height, image.Width);
    }
}
