namespace ClipLit.Core;

/// <summary>
/// A resource on its way to an owner: until someone calls <see cref="Take"/>, this holds it and
/// <see cref="Dispose"/> frees it (a run that fails before the hand-over leaks nothing); after
/// <see cref="Take"/> the taker owns it and Dispose does nothing. Says in code who owns what.
/// Thread-safety: one thread. Ownership: owns the value until it is taken.
/// </summary>
public sealed class Owned<T>(T value) : IDisposable where T : class
{
    private T? _value = value;

    /// <summary>Hands the value over: the caller owns it from now on.</summary>
    /// <exception cref="InvalidOperationException">It was taken already, or disposed.</exception>
    public T Take()
    {
        var value = _value ?? throw new InvalidOperationException($"the {typeof(T).Name} was handed over already");
        _value = null;
        return value;
    }

    public void Dispose()
    {
        var value = _value;
        _value = null;
        switch (value)
        {
            case IDisposable disposable:
                disposable.Dispose();
                break;
            case IAsyncDisposable asyncDisposable:
                asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                break;
        }
    }
}
