using ClipLit.Inference.Model;
using ClipLit.Inference.Student;
using ClipLit.Trainer.Training;

namespace ClipLit.Trainer.Distillation;

/// <summary>
/// The distilled student of <see cref="StudentArchitecture"/> in TorchSharp, mirroring
/// <see cref="StudentGraphBuilder"/> operation for operation: zero-padded 3x3 convolutions with
/// ReLU, stride-2 down convolutions, scene-wide context (global average → 1x1 convolution → ReLU)
/// added at the bottom, bilinear upsampling (align_corners false) to each skip's size, and a head
/// whose exponential is the light map. Its state dict has the architecture's parameter names
/// (<c>enc0a.weight</c>, <c>down1.bias</c> ...), so <see cref="Weights"/> feeds the graph builder.
/// forward(x) takes N x 3 x h x w in [0, 1] (the frame at the student's input size) and returns
/// log L (N x 1 x h x w); <see cref="LightMap"/> returns L.
/// Thread-safety: not thread-safe. Ownership: owns its parameters; Dispose releases them.
/// </summary>
public sealed class StudentNetwork : Module<Tensor, Tensor>
{
    private readonly Dictionary<string, StudentConvolution> _convolutions = new(StringComparer.Ordinal);

    /// <summary>A student with PyTorch's default initialization drawn from the global generator (seed it first), the head scaled down so L starts near e^bias.</summary>
    public StudentNetwork(StudentArchitecture architecture) : base("cliplit_student")
    {
        Architecture = architecture;
        foreach (var conv in architecture.Convolutions())
        {
            var module = new StudentConvolution(conv);
            _convolutions[conv.Name] = module;
            register_module(conv.Name, module); // the architecture's names are the state dict's
        }
        using (no_grad()) _convolutions[architecture.Head.Name].Weight.mul_(0.1);
    }

    public StudentArchitecture Architecture { get; }

    /// <summary>Sets the head's bias: the log light map the untrained student starts from.</summary>
    public void StartFrom(double logLightMap)
    {
        using (no_grad()) _convolutions[Architecture.Head.Name].Bias.fill_(logLightMap);
    }

    public override Tensor forward(Tensor image)
    {
        using var scope = NewDisposeScope();
        var a = Architecture;
        Tensor ConvRelu(Tensor x, StudentArchitecture.Conv conv) => functional.relu(_convolutions[conv.Name].call(x));

        var skips = new List<Tensor> { ConvRelu(ConvRelu(image, a.Enc0A), a.Enc0B) };
        for (int level = 1; level < a.Levels; level++)
            skips.Add(ConvRelu(ConvRelu(skips[^1], a.Down(level)), a.Enc(level)));

        var bottom = skips[^1];
        var context = ConvRelu(functional.adaptive_avg_pool2d(bottom, [1, 1]), a.Context);
        var features = bottom + context;
        for (int level = a.Levels - 2; level >= 0; level--)
        {
            var skip = skips[level];
            var up = functional.interpolate(features, [skip.shape[2], skip.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
            features = ConvRelu(cat([up, skip], 1), a.Dec(level));
        }
        return _convolutions[a.Head.Name].call(features).MoveToOuterDisposeScope();
    }

    /// <summary>The light map L = exp(forward(x)).</summary>
    public Tensor LightMap(Tensor image)
    {
        using var log = forward(image);
        return log.exp();
    }

    /// <summary>The parameters as the graph builder takes them (copied to host memory).</summary>
    public Dictionary<string, TensorData> Weights()
    {
        var weights = new Dictionary<string, TensorData>(StringComparer.Ordinal);
        foreach (var (name, tensor) in state_dict())
        {
            using var host = tensor.detach().cpu().contiguous();
            weights[name] = new TensorData(host.shape, host.data<float>().ToArray());
        }
        return weights;
    }

    /// <summary>
    /// One convolution with its bias, zero padding. Its output channels are padded with zeros to a
    /// multiple of <see cref="OneDnnSwitch.SafeOutputChannelMultiple"/> for the computation and cut
    /// back afterwards, so oneDNN's flawed input gradient (see <see cref="OneDnnSwitch"/>) never
    /// applies: the head has one output channel, small students have narrow levels.
    /// </summary>
    private sealed class StudentConvolution : Module<Tensor, Tensor>
    {
        private readonly long _stride;
        private readonly long _padding;
        private readonly long _outputs;
        private readonly long _padded;

        public StudentConvolution(StudentArchitecture.Conv conv) : base(conv.Name)
        {
            _stride = conv.Stride;
            _padding = conv.Kernel / 2;
            _outputs = conv.OutChannels;
            int multiple = OneDnnSwitch.SafeOutputChannelMultiple;
            _padded = conv.Kernel == 1 ? _outputs : (_outputs + multiple - 1) / multiple * multiple;
            // PyTorch's Conv2d default: U(±1/sqrt(fan_in)) for the weight (kaiming_uniform with a = sqrt(5)) and the bias.
            double bound = 1 / Math.Sqrt(conv.InChannels * conv.Kernel * conv.Kernel);
            _weight = new Parameter(empty(conv.OutChannels, conv.InChannels, conv.Kernel, conv.Kernel).uniform_(-bound, bound));
            _bias = new Parameter(empty(conv.OutChannels).uniform_(-bound, bound));
            RegisterComponents();
        }

        [ComponentName(Name = "weight")] private readonly Parameter _weight;
        [ComponentName(Name = "bias")] private readonly Parameter _bias;

        public Tensor Weight => _weight;

        public Tensor Bias => _bias;

        public override Tensor forward(Tensor input)
        {
            if (_padded == _outputs)
                return functional.conv2d(input, _weight, _bias, strides: [_stride, _stride], padding: [_padding, _padding]);
            using var scope = NewDisposeScope();
            long extra = _padded - _outputs;
            var w = cat([_weight, zeros(extra, _weight.shape[1], _weight.shape[2], _weight.shape[3], dtype: _weight.dtype, device: _weight.device)], 0);
            var b = cat([_bias, zeros(extra, dtype: _bias.dtype, device: _bias.device)], 0);
            var output = functional.conv2d(input, w, b, strides: [_stride, _stride], padding: [_padding, _padding]);
            return output.narrow(1, 0, _outputs).MoveToOuterDisposeScope();
        }
    }
}
