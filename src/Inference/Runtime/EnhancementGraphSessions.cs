using ClipLit.Inference.Graph;
using ClipLit.Inference.Model;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace ClipLit.Inference.Runtime;

/// <summary>
/// The ONNX Runtime sessions of one model, one per (graph kind, border mode), each built and loaded
/// on first use: one graph serves every image size, so a batch of photos of mixed sizes loads each
/// graph once.
/// Thread-safety: <see cref="Get"/> is thread-safe; a session's Run may be called concurrently.
/// Ownership: owns the sessions; Dispose releases them.
/// </summary>
public sealed class EnhancementGraphSessions : IDisposable
{
    private readonly EnhancementWeights _weights;
    private readonly OrtSessionFactory _factory;
    private readonly Dictionary<(EnhancementGraphKind, BorderMode), Lazy<InferenceSession>> _sessions = new();
    private bool _disposed;

    public EnhancementGraphSessions(EnhancementWeights weights, OrtSessionFactory factory)
    {
        _weights = weights;
        _factory = factory;
    }

    /// <summary>Total time spent building graphs and creating sessions so far.</summary>
    public TimeSpan LoadTime { get; private set; }

    public InferenceSession Get(EnhancementGraphKind kind, BorderMode border)
    {
        Lazy<InferenceSession> lazy;
        lock (_sessions)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_sessions.TryGetValue((kind, border), out lazy!))
            {
                lazy = new Lazy<InferenceSession>(() => Load(kind, border), LazyThreadSafetyMode.ExecutionAndPublication);
                _sessions[(kind, border)] = lazy;
            }
        }
        return lazy.Value;
    }

    /// <summary>Creates the sessions <paramref name="plan"/> needs now, so that the first image is not slower than the rest.</summary>
    public void Preload(ExecutionPlan plan)
    {
        foreach (var key in RequiredGraphs(plan)) Get(key.Kind, key.Border);
    }

    /// <summary>The graphs a plan runs.</summary>
    public static IEnumerable<(EnhancementGraphKind Kind, BorderMode Border)> RequiredGraphs(ExecutionPlan plan)
    {
        if (plan.Strategy == PlanStrategy.Whole) return [(EnhancementGraphKind.Full, BorderMode.Reflect)];
        var graphs = plan.PoolTiles.Select(t => (EnhancementGraphKind.PoolSums, t.Border))
            .Concat(plan.LightMapTiles.Select(t => (EnhancementGraphKind.LightMap, t.Border)));
        if (plan.Interior is not null) graphs = graphs.Append((EnhancementGraphKind.LightMap, BorderMode.Zeros));
        return graphs.Distinct();
    }

    private InferenceSession Load(EnhancementGraphKind kind, BorderMode border)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var model = EnhancementGraphBuilder.Build(_weights, kind, border).ToByteArray();
        var session = _factory.CreateSession(model, $"{kind}-{border}");
        lock (_sessions) LoadTime += System.Diagnostics.Stopwatch.GetElapsedTime(started);
        return session;
    }

    /// <summary>Ends profiling of every loaded session; returns the profile files written.</summary>
    public IReadOnlyList<string> EndProfiling()
    {
        if (_factory.Settings.ProfilePrefix is null) return [];
        lock (_sessions)
            return _sessions.Values.Where(l => l.IsValueCreated).Select(l => l.Value.EndProfiling()).ToList();
    }

    public void Dispose()
    {
        lock (_sessions)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var lazy in _sessions.Values)
                if (lazy.IsValueCreated) lazy.Value.Dispose();
            _sessions.Clear();
        }
    }
}
