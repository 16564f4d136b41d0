namespace ClipLit.TestSupport;

/// <summary>
/// For property tests of readers of outside data (model files, manifests, markers, patterns): a
/// read of random or mutated input must end, within a time limit, either with a result or with the
/// reader's own one-line error; anything else (another exception, a hang) fails the test with the
/// input that caused it.
/// </summary>
public static class UntrustedInput
{
    /// <summary>The most a read of a small input may take, on a loaded machine.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    /// <summary>Runs <paramref name="read"/>; returns whether it ended with <typeparamref name="TError"/> (false: with a result).</summary>
    /// <exception cref="TimeoutException">It did not end within <see cref="Limit"/>.</exception>
    /// <exception cref="Exception">Any other exception it threw (a crash the reader should have turned into its error).</exception>
    public static bool EndsClearly<TError>(Action read) where TError : Exception
    {
        var run = Task.Run(() =>
        {
            try
            {
                read();
                return false;
            }
            catch (TError)
            {
                return true;
            }
        });
        try
        {
            if (!run.Wait(Limit)) throw new TimeoutException($"the read did not end within {Limit.TotalSeconds:0} s");
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return run.Result;
    }

    /// <summary>The message of the <typeparamref name="TError"/> that <paramref name="read"/> must end with (a result, another exception or a hang fails the test).</summary>
    public static string RefusalOf<TError>(Action read) where TError : Exception
    {
        string? message = null;
        bool refused = EndsClearly<TError>(() =>
        {
            try
            {
                read();
            }
            catch (TError e)
            {
                message = e.Message;
                throw;
            }
        });
        NUnit.Framework.Assert.That(refused, NUnit.Framework.Is.True, "refused");
        return message!;
    }
}
