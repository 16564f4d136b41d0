namespace ClipLit.Trainer.Clip;

/// <summary>
/// CLIP's ModifiedResNet image encoder: a three-convolution stem with average pooling, four stages
/// of bottlenecks (anti-aliased: strides by average pooling), and an attention pool for the
/// embedding. <see cref="Features"/> also returns the stem's and each stage's output, which the
/// paper's reconstruction loss compares.
/// </summary>
public sealed class ClipModifiedResNet : Module<Tensor, Tensor>
{
    [ComponentName(Name = "conv1")] private readonly Conv2d _conv1;
    [ComponentName(Name = "bn1")] private readonly BatchNorm2d _bn1;
    [ComponentName(Name = "conv2")] private readonly Conv2d _conv2;
    [ComponentName(Name = "bn2")] private readonly BatchNorm2d _bn2;
    [ComponentName(Name = "conv3")] private readonly Conv2d _conv3;
    [ComponentName(Name = "bn3")] private readonly BatchNorm2d _bn3;
    [ComponentName(Name = "layer1")] private readonly Sequential _layer1;
    [ComponentName(Name = "layer2")] private readonly Sequential _layer2;
    [ComponentName(Name = "layer3")] private readonly Sequential _layer3;
    [ComponentName(Name = "layer4")] private readonly Sequential _layer4;
    [ComponentName(Name = "attnpool")] private readonly AttentionPool _attentionPool;

    public ClipModifiedResNet(ClipArchitecture arch) : base("visual")
    {
        int width = arch.VisionWidth;
        _conv1 = Conv2d(3, width / 2, kernel_size: 3, stride: 2, padding: 1, bias: false);
        _bn1 = BatchNorm2d(width / 2);
        _conv2 = Conv2d(width / 2, width / 2, kernel_size: 3, padding: 1, bias: false);
        _bn2 = BatchNorm2d(width / 2);
        _conv3 = Conv2d(width / 2, width, kernel_size: 3, padding: 1, bias: false);
        _bn3 = BatchNorm2d(width);
        int inplanes = width;
        Sequential Stage(int planes, int blocks, int stride)
        {
            var layers = new List<(string, Module<Tensor, Tensor>)> { ("0", new Bottleneck(inplanes, planes, stride)) };
            inplanes = planes * Bottleneck.Expansion;
            for (int i = 1; i < blocks; i++) layers.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture), new Bottleneck(inplanes, planes, 1)));
            return Sequential(layers);
        }
        _layer1 = Stage(width, arch.VisionLayers[0], 1);
        _layer2 = Stage(width * 2, arch.VisionLayers[1], 2);
        _layer3 = Stage(width * 4, arch.VisionLayers[2], 2);
        _layer4 = Stage(width * 8, arch.VisionLayers[3], 2);
        _attentionPool = new AttentionPool(arch.ImageResolution / 32, width * 32, arch.VisionHeads, arch.EmbedDim);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => Features(x).Embedding;

    /// <summary>The embedding (N x embed) and the stem's and four stages' outputs.</summary>
    public (Tensor Embedding, Tensor[] Stages) Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = functional.relu(_bn1.forward(_conv1.forward(x)));
        x = functional.relu(_bn2.forward(_conv2.forward(x)));
        x = functional.relu(_bn3.forward(_conv3.forward(x)));
        var stem = functional.avg_pool2d(x, 2);
        var s1 = _layer1.forward(stem);
        var s2 = _layer2.forward(s1);
        var s3 = _layer3.forward(s2);
        var s4 = _layer4.forward(s3);
        var embedding = _attentionPool.forward(s4);
        Tensor[] stages = [stem, s1, s2, s3, s4];
        foreach (var t in stages) t.MoveToOuterDisposeScope();
        return (embedding.MoveToOuterDisposeScope(), stages);
    }

    /// <summary>1x1 → 3x3 → (average pool when striding) → 1x1 x4, each with BatchNorm; the shortcut pools and projects when the shape changes.</summary>
    private sealed class Bottleneck : Module<Tensor, Tensor>
    {
        public const int Expansion = 4;
        private readonly int _stride;
        [ComponentName(Name = "conv1")] private readonly Conv2d _conv1;
        [ComponentName(Name = "bn1")] private readonly BatchNorm2d _bn1;
        [ComponentName(Name = "conv2")] private readonly Conv2d _conv2;
        [ComponentName(Name = "bn2")] private readonly BatchNorm2d _bn2;
        [ComponentName(Name = "conv3")] private readonly Conv2d _conv3;
        [ComponentName(Name = "bn3")] private readonly BatchNorm2d _bn3;
        [ComponentName(Name = "downsample")] private readonly Sequential? _downsample;

        public Bottleneck(int inplanes, int planes, int stride) : base("bottleneck")
        {
            _stride = stride;
            _conv1 = Conv2d(inplanes, planes, kernel_size: 1, bias: false);
            _bn1 = BatchNorm2d(planes);
            _conv2 = Conv2d(planes, planes, kernel_size: 3, padding: 1, bias: false);
            _bn2 = BatchNorm2d(planes);
            _conv3 = Conv2d(planes, planes * Expansion, kernel_size: 1, bias: false);
            _bn3 = BatchNorm2d(planes * Expansion);
            if (stride > 1 || inplanes != planes * Expansion)
                _downsample = Sequential(
                    ("-1", AvgPool2d(stride)),
                    ("0", Conv2d(inplanes, planes * Expansion, kernel_size: 1, bias: false)),
                    ("1", BatchNorm2d(planes * Expansion)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var @out = functional.relu(_bn1.forward(_conv1.forward(x)));
            @out = functional.relu(_bn2.forward(_conv2.forward(@out)));
            if (_stride > 1) @out = functional.avg_pool2d(@out, _stride);
            @out = _bn3.forward(_conv3.forward(@out));
            var identity = _downsample is null ? x : _downsample.forward(x);
            return functional.relu(@out + identity);
        }
    }

    /// <summary>The grid's mean as a query token attending over the grid (with positions); output projected to the embedding.</summary>
    private sealed class AttentionPool : Module<Tensor, Tensor>
    {
        private readonly int _heads;
        [ComponentName(Name = "positional_embedding")] private readonly Parameter _positions;
        [ComponentName(Name = "k_proj")] private readonly Linear _key;
        [ComponentName(Name = "q_proj")] private readonly Linear _query;
        [ComponentName(Name = "v_proj")] private readonly Linear _value;
        [ComponentName(Name = "c_proj")] private readonly Linear _output;

        public AttentionPool(int spacialDim, int embedDim, int heads, int outputDim) : base("attnpool")
        {
            _heads = heads;
            _positions = new Parameter(zeros(spacialDim * spacialDim + 1, embedDim));
            _key = Linear(embedDim, embedDim);
            _query = Linear(embedDim, embedDim);
            _value = Linear(embedDim, embedDim);
            _output = Linear(embedDim, outputDim);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            x = x.flatten(2).permute(0, 2, 1);                        // N x HW x C
            x = cat([x.mean([1], keepdim: true), x], 1) + _positions;  // N x (HW+1) x C
            var pooled = MultiHeadAttention.Combine(_query.forward(x[.., ..1, ..]), _key.forward(x), _value.forward(x), _heads, null);
            return _output.forward(pooled).squeeze(1);
        }
    }
}
