namespace ClipLit.Trainer.Clip;

/// <summary>The core of PyTorch's multi-head attention, shared by CLIP's transformer and the ResNet's attention pool.</summary>
public static class MultiHeadAttention
{
    /// <summary>
    /// softmax(q·kᵀ/√d + mask)·v per head, for already projected q (N x Lq x E), k and v (N x Lk x E);
    /// returns N x Lq x E, heads concatenated (the output projection is the caller's).
    /// </summary>
    public static Tensor Combine(Tensor q, Tensor k, Tensor v, int heads, Tensor? mask)
    {
        long n = q.shape[0], lq = q.shape[1], lk = k.shape[1], e = q.shape[2];
        long d = e / heads;
        Tensor Split(Tensor t, long l) => t.reshape(n, l, heads, d).transpose(1, 2);
        var scores = matmul(Split(q, lq) * (1.0 / Math.Sqrt(d)), Split(k, lk).transpose(-2, -1));
        if (mask is not null) scores = scores + mask;
        var weights = scores.softmax(-1);
        return matmul(weights, Split(v, lk)).transpose(1, 2).reshape(n, lq, e);
    }
}
