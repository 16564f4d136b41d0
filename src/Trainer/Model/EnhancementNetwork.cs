using ClipLit.Inference.Model;
using TorchSharp;
using Arch = ClipLit.Inference.Model.EnhancementArchitecture;

namespace ClipLit.Trainer.Model;

/// <summary>
/// The paper's enhancement network, <c>UNet_emb_oneBranch_symmetry(3, 1)</c>, in TorchSharp: the
/// model the trainer optimizes. Layers come from <see cref="EnhancementArchitecture"/> and are
/// registered under the paper's names, so its state dict has exactly the checkpoint's keys (without
/// DataParallel's <c>module.</c>). forward(x) takes N x 3 x H x W in [0, 1] and returns the light map
/// N x 1 x H x W; the enhanced image is clamp(x / L, 0, 1).
/// Thread-safety: not thread-safe. Ownership: owns its parameters; Dispose releases them.
/// </summary>
public sealed class EnhancementNetwork : Module<Tensor, Tensor>
{
    // Registered by RegisterComponents under the paper's names (ComponentName); a test checks
    // they equal EnhancementArchitecture.ParameterShapes.
    [ComponentName(Name = "cond1")] private readonly Conv2d _cond1;
    [ComponentName(Name = "ResidualBlock1")] private readonly ResidualBlock _residualBlock1 = new(Arch.HeadBlocks[0], Arch.FeatureChannels);
    [ComponentName(Name = "ResidualBlock2")] private readonly ResidualBlock _residualBlock2 = new(Arch.HeadBlocks[1], Arch.FeatureChannels);
    [ComponentName(Name = "PPM1")] private readonly PyramidPooling _pyramid = new();
    [ComponentName(Name = "condx")] private readonly Conv2d _condX;
    [ComponentName(Name = "ResidualBlock3")] private readonly ResidualBlock _residualBlock3 = new(Arch.WideBlocks[0], Arch.WideChannels);
    [ComponentName(Name = "ResidualBlock4")] private readonly ResidualBlock _residualBlock4 = new(Arch.WideBlocks[1], Arch.WideChannels);
    [ComponentName(Name = "condy")] private readonly Conv2d _condY;
    [ComponentName(Name = "ResidualBlock5")] private readonly ResidualBlock _residualBlock5 = new(Arch.TailBlocks[0], Arch.FeatureChannels);
    [ComponentName(Name = "ResidualBlock6")] private readonly ResidualBlock _residualBlock6 = new(Arch.TailBlocks[1], Arch.FeatureChannels);
    [ComponentName(Name = "cond_add1")] private readonly Conv2d _condAdd1;
    private readonly Arch.Padding _condAdd1Padding;

    /// <param name="zeroPaddedOuterConvolutions">
    /// The variant the paper trains (<c>UNet_emb_oneBranch_symmetry_noreflect</c>): cond1, condx, condy
    /// and cond_add1 pad with zeros, the residual blocks still reflect. Its weights are the same
    /// tensors, and the paper runs them in the reflecting network at test time, as ClipLit does.
    /// </param>
    public EnhancementNetwork(bool zeroPaddedOuterConvolutions = false) : base("UNet_emb_oneBranch_symmetry")
    {
        Arch.Conv3x3 Outer(Arch.Conv3x3 spec) => zeroPaddedOuterConvolutions ? spec with { Padding = Arch.Padding.Zeros } : spec;
        _cond1 = Layers.Conv(Outer(Arch.Cond1));
        _condX = Layers.Conv(Outer(Arch.CondX));
        _condY = Layers.Conv(Outer(Arch.CondY));
        _condAdd1Padding = Outer(Arch.CondAdd1).Padding;
        _condAdd1 = Layers.Conv(Outer(Arch.CondAdd1));
        RegisterComponents();
    }

    /// <summary>
    /// The paper's weights_init for training from scratch: convolution weights from N(0, 0.02), the
    /// rest as PyTorch initializes it. A draw whose final ReLU is dead on <paramref name="probe"/>
    /// (L = 0 everywhere: no gradient would ever reach the network) is drawn again, as the paper's
    /// train.py re-initializes a network that does not learn; returns the number of draws.
    /// </summary>
    public int InitializeLikeThePaper(Tensor probe)
    {
        const int maxDraws = 50;
        using var _ = no_grad();
        for (int draw = 1; ; draw++)
        {
            var parameters = named_parameters().ToDictionary(p => p.name, p => p.parameter);
            foreach (var (name, parameter) in parameters)
            {
                if (!name.EndsWith("weight", StringComparison.Ordinal) || parameter.dim() != 4) continue;
                parameter.normal_(0, 0.02);
                // Redraws also redraw the biases (PyTorch's default, U(±1/sqrt(fan_in))): with weights this
                // small the light map is about the last bias, and a negative one is what kills the ReLU.
                string biasName = name[..^"weight".Length] + "bias";
                if (draw > 1 && parameters.TryGetValue(biasName, out var bias))
                {
                    double bound = 1 / Math.Sqrt(parameter.shape[1] * parameter.shape[2] * parameter.shape[3]);
                    bias.uniform_(-bound, bound);
                }
            }
            using var light = forward(probe);
            if (light.max().item<float>() > 0 || draw == maxDraws) return draw;
        }
    }

    public override Tensor forward(Tensor x)
    {
        // Each layer's output is released as soon as the next layer has consumed it: autograd keeps
        // what it saved for the backward pass, and at the paper's batch (8 x 512 x 512) the rest is
        // gigabytes that PyTorch, which frees on the last reference, would not hold either.
        var features = Layer(x, input => functional.leaky_relu(_cond1.forward(input), Arch.LeakySlope), ownsInput: false);
        features = Layer(features, _residualBlock1.forward);
        features = Layer(features, _residualBlock2.forward);
        features = Layer(features, _pyramid.forward);
        features = Layer(features, _condX.forward);
        features = Layer(features, _residualBlock3.forward);
        features = Layer(features, _residualBlock4.forward);
        features = Layer(features, _condY.forward);
        features = Layer(features, _residualBlock5.forward);
        features = Layer(features, _residualBlock6.forward);
        return Layer(features, input => functional.relu(is_grad_enabled() ? LightMapConvolutionWidened(input) : _condAdd1.forward(input)));
    }

    /// <summary>Runs <paramref name="layer"/>, frees its temporaries and (when owned) its input, and returns its output.</summary>
    private static Tensor Layer(Tensor input, Func<Tensor, Tensor> layer, bool ownsInput = true)
    {
        Tensor output;
        using (NewDisposeScope()) output = layer(input).MoveToOuterDisposeScope();
        if (ownsInput) input.Dispose();
        return output;
    }

    /// <summary>
    /// cond_add1 computed with its one output channel padded by zero filters to 16 and sliced back:
    /// the same values and gradients, but oneDNN's backward gets its input gradient right only at
    /// multiples of 16 output channels (see OneDnnSwitch), and training runs with oneDNN on.
    /// </summary>
    private Tensor LightMapConvolutionWidened(Tensor features)
    {
        using var scope = NewDisposeScope();
        var weight = _condAdd1.weight!;
        long extra = Training.OneDnnSwitch.SafeOutputChannelMultiple - weight.shape[0];
        var wideWeight = cat([weight, zeros([extra, .. weight.shape[1..]], weight.dtype, weight.device)], 0);
        var wideBias = cat([_condAdd1.bias!, zeros(extra, weight.dtype, weight.device)], 0);
        var wide = _condAdd1Padding == Arch.Padding.Reflect
            ? functional.conv2d(functional.pad(features, [1, 1, 1, 1], PaddingModes.Reflect), wideWeight, wideBias)
            : functional.conv2d(features, wideWeight, wideBias, padding: [1, 1]);
        return wide[.., ..(int)weight.shape[0]].MoveToOuterDisposeScope();
    }

    /// <summary>conv3x3 → LeakyReLU(0.2) → conv3x3 → + input → LeakyReLU(0.2), both convolutions without bias.</summary>
    private sealed class ResidualBlock : Module<Tensor, Tensor>
    {
        [ComponentName(Name = "conv1")] private readonly Conv2d _conv1;
        [ComponentName(Name = "conv2")] private readonly Conv2d _conv2;

        public ResidualBlock(string name, int channels) : base(name)
        {
            var (first, second) = Arch.ResidualConvs(name, channels);
            _conv1 = Layers.Conv(first);
            _conv2 = Layers.Conv(second);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var @out = functional.leaky_relu(_conv1.forward(x), Arch.LeakySlope);
            @out = _conv2.forward(@out) + x;
            return functional.leaky_relu(@out, Arch.LeakySlope);
        }
    }

    /// <summary>
    /// PPM1: per bin, AdaptiveAvgPool → 1x1 conv 32→8 (no bias) → PReLU, upsampled bilinearly with
    /// align_corners to the input size; concatenated after the input; 3x3 conv (zero padding) → PReLU.
    /// </summary>
    private sealed class PyramidPooling : Module<Tensor, Tensor>
    {
        [ComponentName(Name = "features")] private readonly ModuleList<Sequential> _features = new();
        [ComponentName(Name = "fuse")] private readonly Sequential _fuse;

        public PyramidPooling() : base("PPM1")
        {
            foreach (int bin in Arch.PyramidBins)
                _features.Add(Sequential(
                    AdaptiveAvgPool2d(bin),
                    Conv2d(Arch.FeatureChannels, Arch.PyramidChannels, kernel_size: 1, bias: false),
                    PReLU(num_parameters: 1)));
            _fuse = Sequential(Layers.Conv(Arch.PyramidFuse), PReLU(num_parameters: 1));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var size = new[] { x.shape[2], x.shape[3] };
            var @out = new List<Tensor> { x };
            foreach (var f in _features)
                @out.Add(functional.interpolate(f.forward(x), size, mode: InterpolationMode.Bilinear, align_corners: true));
            return _fuse.forward(cat(@out, 1));
        }
    }

    private static class Layers
    {
        public static Conv2d Conv(Arch.Conv3x3 spec) => Conv2d(
            spec.InChannels, spec.OutChannels, kernel_size: 3, stride: 1, padding: 1, bias: spec.HasBias,
            padding_mode: spec.Padding == Arch.Padding.Reflect ? PaddingModes.Reflect : PaddingModes.Zeros);
    }
}
