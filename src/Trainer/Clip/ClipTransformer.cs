namespace ClipLit.Trainer.Clip;

/// <summary>
/// CLIP's transformer: residual attention blocks (pre-LayerNorm self-attention, then a QuickGELU
/// MLP), registered as <c>resblocks.N</c> with OpenAI's parameter names. Works batch-first
/// (N x L x width), which is the same arithmetic as OpenAI's sequence-first layout.
/// </summary>
public sealed class ClipTransformer : Module<Tensor, Tensor>
{
    [ComponentName(Name = "resblocks")] private readonly ModuleList<ResidualAttentionBlock> _blocks = new();
    private readonly bool _causal;

    /// <summary>With <c>causal</c> (text) each token attends only to itself and earlier ones (an upper triangle of -inf).</summary>
    public ClipTransformer(int width, int layers, int heads, bool causal) : base("transformer")
    {
        for (int i = 0; i < layers; i++) _blocks.Add(new ResidualAttentionBlock(width, heads));
        _causal = causal;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long length = x.shape[1];
        var mask = _causal ? full(length, length, float.NegativeInfinity, device: x.device).triu(1) : null;
        foreach (var block in _blocks) x = block.forward(x, mask);
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>x + attn(ln_1(x)); then x + mlp(ln_2(x)).</summary>
    public sealed class ResidualAttentionBlock : Module<Tensor, Tensor>
    {
        [ComponentName(Name = "attn")] private readonly SelfAttention _attention;
        [ComponentName(Name = "ln_1")] private readonly LayerNorm _norm1;
        [ComponentName(Name = "mlp")] private readonly QuickGeluMlp _mlp;
        [ComponentName(Name = "ln_2")] private readonly LayerNorm _norm2;

        public ResidualAttentionBlock(int width, int heads) : base("resblock")
        {
            _attention = new SelfAttention(width, heads);
            _norm1 = LayerNorm(width);
            _mlp = new QuickGeluMlp(width);
            _norm2 = LayerNorm(width);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => forward(x, null);

        public Tensor forward(Tensor x, Tensor? mask)
        {
            x = x + _attention.forward(_norm1.forward(x), mask);
            return x + _mlp.forward(_norm2.forward(x));
        }
    }

    /// <summary>nn.MultiheadAttention's parameters (in_proj_weight/bias, out_proj) used as self-attention.</summary>
    public sealed class SelfAttention : Module<Tensor, Tensor>
    {
        private readonly int _heads;
        [ComponentName(Name = "in_proj_weight")] private readonly Parameter _inWeight;
        [ComponentName(Name = "in_proj_bias")] private readonly Parameter _inBias;
        [ComponentName(Name = "out_proj")] private readonly Linear _outProjection;

        public SelfAttention(int width, int heads) : base("attn")
        {
            _heads = heads;
            _inWeight = new Parameter(empty(3 * width, width));
            _inBias = new Parameter(zeros(3 * width));
            _outProjection = Linear(width, width);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => forward(x, null);

        public Tensor forward(Tensor x, Tensor? mask)
        {
            var qkv = functional.linear(x, _inWeight, _inBias).chunk(3, dim: -1);
            return _outProjection.forward(MultiHeadAttention.Combine(qkv[0], qkv[1], qkv[2], _heads, mask));
        }
    }

    /// <summary>c_fc → QuickGELU (x·sigmoid(1.702x), CLIP's) → c_proj.</summary>
    public sealed class QuickGeluMlp : Module<Tensor, Tensor>
    {
        [ComponentName(Name = "c_fc")] private readonly Linear _expand;
        [ComponentName(Name = "c_proj")] private readonly Linear _project;

        public QuickGeluMlp(int width) : base("mlp")
        {
            _expand = Linear(width, 4 * width);
            _project = Linear(4 * width, width);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var hidden = _expand.forward(x);
            return _project.forward(hidden * sigmoid(1.702 * hidden));
        }
    }
}
