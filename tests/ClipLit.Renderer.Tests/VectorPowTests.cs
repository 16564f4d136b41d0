using System.Runtime.Intrinsics;
using ClipLit.Renderer.Cpu;

namespace ClipLit.Renderer.Tests;

/// <summary>The compose twin's vector power against Math.Pow, over the light maps' range and the strengths allowed.</summary>
[TestFixture]
public sealed class VectorPowTests
{
    [Test]
    public void WithinAFewMillionthsOfMathPow()
    {
        double worst = 0;
        foreach (float y in new[] { 0.05f, 0.1f, 0.5f, 0.6f, 0.9f, 1.1f, 1.5f, 1.7f, 2f })
            for (float x = 1e-3f; x < 20f; x *= 1.0137f)
            {
                var lanes = Vector256.Create(x, x * 1.001f, x * 1.002f, x * 1.003f, x * 1.004f, x * 1.005f, x * 1.006f, x * 1.007f);
                var result = VectorPow.Pow(lanes, y);
                for (int i = 0; i < 8; i++)
                {
                    double expected = Math.Pow(lanes[i], y);
                    double relative = Math.Abs(result[i] - expected) / expected;
                    // NaN-proof: a NaN fails here rather than passing a comparison.
                    if (!(relative <= 3e-6)) Assert.Fail($"{lanes[i]}^{y}: {result[i]}, Math.Pow {expected}");
                    worst = Math.Max(worst, relative);
                }
            }
        TestContext.Out.WriteLine($"worst relative error {worst:G3}");
    }
}
