using ClipLit.Inference.Model;
using ClipLit.TestSupport;

namespace ClipLit.Inference.Tests;

/// <summary>The paper's trained weights, read once for the test run.</summary>
public static class ModelFixture
{
    private static readonly Lazy<EnhancementWeights> WeightsLazy = new(() =>
        EnhancementWeights.Create(SharedData.EnhancementCheckpoint, PyTorchCheckpointReader.Read(SharedData.EnhancementCheckpoint)));

    public static EnhancementWeights Weights => WeightsLazy.Value;
}
