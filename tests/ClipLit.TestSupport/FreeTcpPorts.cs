using System.Net;
using System.Net.Sockets;

namespace ClipLit.TestSupport;

/// <summary>TCP ports no one listens on, for test daemons that need fixed ports in their configuration.</summary>
public static class FreeTcpPorts
{
    // Below Linux's ephemeral range (32768 and up by default), so no outgoing connection takes a
    // port between this check and the daemon binding it.
    private const int Lowest = 20000;
    private const int Highest = 32000;
    private const int Tries = 200;

    /// <summary>Distinct ports, chosen at random, that could be bound on every address just now.</summary>
    /// <param name="count">How many.</param>
    public static int[] Take(int count)
    {
        var held = new List<TcpListener>();
        try
        {
            for (int attempt = 0; attempt < Tries && held.Count < count; attempt++)
            {
                var listener = new TcpListener(IPAddress.Any, Random.Shared.Next(Lowest, Highest));
                try
                {
                    listener.Start();
                    held.Add(listener);
                }
                catch (SocketException)
                {
                    // In use: try another.
                }
            }
            if (held.Count < count) throw new InvalidOperationException($"found only {held.Count} of {count} free TCP ports in {Lowest}-{Highest}");
            return [.. held.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in held) listener.Stop();
        }
    }
}
