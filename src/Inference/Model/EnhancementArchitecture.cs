namespace ClipLit.Inference.Model;

/// <summary>
/// The paper's enhancement network (<c>UNet_emb_oneBranch_symmetry(3, 1)</c>) described once as data:
/// its layers in forward order, the parameter names and shapes a checkpoint must provide (the
/// paper's names without the <c>module.</c> prefix that DataParallel adds), and the geometry facts
/// the tiled path depends on. The ONNX graph builder and the TorchSharp module both read this.
/// Thread-safety: immutable.
/// </summary>
public static class EnhancementArchitecture
{
    /// <summary>How a 3x3 convolution pads its input.</summary>
    public enum Padding { Reflect, Zeros }

    /// <summary>A 3x3 convolution of the network (stride 1, padding 1).</summary>
    public sealed record Conv3x3(string Name, int InChannels, int OutChannels, bool HasBias, Padding Padding);

    /// <summary>Bins of the pyramid pooling module, in the order the paper concatenates them.</summary>
    public static readonly int[] PyramidBins = [1, 2, 3, 6];

    public const int InputChannels = 3;
    public const int FeatureChannels = 32;
    public const int WideChannels = 64;
    public const int PyramidChannels = 8;
    public const float LeakySlope = 0.2f;

    /// <summary>Residual block names before the pyramid pooling module (32 channels).</summary>
    public static readonly string[] HeadBlocks = ["ResidualBlock1", "ResidualBlock2"];

    /// <summary>Residual blocks after <c>condx</c> (64 channels).</summary>
    public static readonly string[] WideBlocks = ["ResidualBlock3", "ResidualBlock4"];

    /// <summary>Residual blocks after <c>condy</c> (32 channels).</summary>
    public static readonly string[] TailBlocks = ["ResidualBlock5", "ResidualBlock6"];

    public static readonly Conv3x3 Cond1 = new("cond1", InputChannels, FeatureChannels, true, Padding.Reflect);
    public static readonly Conv3x3 PyramidFuse = new("PPM1.fuse.0", FeatureChannels + PyramidBins.Length * PyramidChannels, FeatureChannels, false, Padding.Zeros);
    public static readonly Conv3x3 CondX = new("condx", FeatureChannels, WideChannels, true, Padding.Reflect);
    public static readonly Conv3x3 CondY = new("condy", WideChannels, FeatureChannels, true, Padding.Reflect);
    public static readonly Conv3x3 CondAdd1 = new("cond_add1", FeatureChannels, 1, true, Padding.Reflect);

    /// <summary>Name of the PReLU slope after the pyramid fuse convolution.</summary>
    public const string PyramidFuseSlope = "PPM1.fuse.1.weight";

    /// <summary>1x1 reduction convolution of pyramid branch <paramref name="branch"/> (no bias).</summary>
    public static string PyramidReduceWeight(int branch) => $"PPM1.features.{branch}.1.weight";

    /// <summary>PReLU slope of pyramid branch <paramref name="branch"/> (a single value).</summary>
    public static string PyramidSlope(int branch) => $"PPM1.features.{branch}.2.weight";

    /// <summary>The two convolutions of a residual block (3x3, no bias, reflect padding).</summary>
    public static (Conv3x3 First, Conv3x3 Second) ResidualConvs(string block, int channels) =>
        (new($"{block}.conv1", channels, channels, false, Padding.Reflect),
         new($"{block}.conv2", channels, channels, false, Padding.Reflect));

    /// <summary>
    /// Receptive radius, in pixels, of the layers before the pyramid pooling module
    /// (cond1 + two residual blocks = five 3x3 convolutions).
    /// </summary>
    public const int HeadRadius = 5;

    /// <summary>
    /// Receptive radius from the pyramid module's input to the light map
    /// (fuse, condx, 4 convs, condy, 4 convs, cond_add1 = twelve 3x3 convolutions).
    /// </summary>
    public const int TailRadius = 12;

    /// <summary>Smallest image side the network accepts: reflect padding of 1 needs two pixels.</summary>
    public const int MinimumSide = 2;

    /// <summary>Floating point operations per pixel of one forward pass (multiply and add counted apart).</summary>
    public static long FlopsPerPixel => AllConvolutions().Sum(c => 2L * 9 * c.InChannels * c.OutChannels);

    /// <summary>Every 3x3 convolution in forward order.</summary>
    public static IEnumerable<Conv3x3> AllConvolutions()
    {
        yield return Cond1;
        foreach (var b in HeadBlocks) { var (c1, c2) = ResidualConvs(b, FeatureChannels); yield return c1; yield return c2; }
        yield return PyramidFuse;
        yield return CondX;
        foreach (var b in WideBlocks) { var (c1, c2) = ResidualConvs(b, WideChannels); yield return c1; yield return c2; }
        yield return CondY;
        foreach (var b in TailBlocks) { var (c1, c2) = ResidualConvs(b, FeatureChannels); yield return c1; yield return c2; }
        yield return CondAdd1;
    }

    /// <summary>Every parameter the network has, with its shape, in the paper's state-dict order-independent form.</summary>
    public static IReadOnlyDictionary<string, long[]> ParameterShapes { get; } = BuildParameterShapes();

    private static Dictionary<string, long[]> BuildParameterShapes()
    {
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var conv in AllConvolutions())
        {
            shapes[conv.Name + ".weight"] = [conv.OutChannels, conv.InChannels, 3, 3];
            if (conv.HasBias) shapes[conv.Name + ".bias"] = [conv.OutChannels];
        }
        for (int i = 0; i < PyramidBins.Length; i++)
        {
            shapes[PyramidReduceWeight(i)] = [PyramidChannels, FeatureChannels, 1, 1];
            shapes[PyramidSlope(i)] = [1];
        }
        shapes[PyramidFuseSlope] = [1];
        return shapes;
    }
}
