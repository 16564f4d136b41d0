using System.Diagnostics;

namespace ClipLit.Cli.Terminal;

/// <summary>
/// Progress of a batch on stderr: on a terminal, one redrawn line with a bar, the current file,
/// the last file's time and the ETA; otherwise one line per finished file. Errors print on their
/// own lines, never mixed into the bar. Ends with a summary (processed, skipped, failed).
/// Thread-safety: not thread-safe; call from the batch's thread.
/// </summary>
public sealed class BatchProgress(TextWriter output, bool interactive, int total, bool quiet)
{
    private const int BarWidth = 24;
    private readonly Stopwatch _batch = Stopwatch.StartNew();
    private readonly Stopwatch _file = new();
    private int _finished;
    private double _lastSeconds;
    private string _current = "";
    private bool _barShown;

    public int Processed { get; private set; }

    public int Skipped { get; private set; }

    public int Failed { get; private set; }

    /// <summary>A file was skipped before processing (not a photo, or its output exists with --skip-existing).</summary>
    public void Skip(string file, string why)
    {
        Skipped++;
        if (!quiet) Line($"skipped {file}: {why}");
    }

    public void Start(string file)
    {
        _current = file;
        _file.Restart();
        Draw();
    }

    /// <summary>Frame progress inside the current file (videos): shown in the bar, with the file's own ETA.</summary>
    public void Frames(int done, int total, double framesPerSecond)
    {
        _frameStatus = total > 0
            ? $"frame {done}/{total} {framesPerSecond:F1} fps ETA {FormatSeconds(framesPerSecond > 0 ? (total - done) / framesPerSecond : 0)}"
            : "";
        Draw();
    }

    private string _frameStatus = "";

    public void Succeeded(string file, string output, string? note)
    {
        Processed++;
        Finish();
        if (note is not null) Line($"note: {note}");
        if (!interactive && !quiet) Line($"[{_finished}/{total}] {file} -> {output} ({_lastSeconds:F2} s)");
        Draw();
    }

    /// <summary>Something worth knowing that is not about one file's result, on its own line (not with --quiet).</summary>
    public void Note(string text)
    {
        if (quiet) return;
        Line($"note: {text}");
        Draw();
    }

    /// <summary>A file failed; <paramref name="message"/> is the one-line error naming it.</summary>
    public void Fail(string message)
    {
        Failed++;
        if (_file.IsRunning) Finish();
        else _finished++;
        Line($"error: {message}");
        Draw();
    }

    /// <summary>Clears the bar and prints the summary line.</summary>
    public void Summarize()
    {
        Clear();
        if (quiet && Failed == 0) return;
        output.WriteLine($"processed {Processed}, skipped {Skipped}, failed {Failed} in {_batch.Elapsed.TotalSeconds:F1} s");
    }

    private void Finish()
    {
        _frameStatus = "";
        _file.Stop();
        _lastSeconds = _file.Elapsed.TotalSeconds;
        _finished++;
    }

    private void Line(string text)
    {
        Clear();
        output.WriteLine(text);
    }

    private void Draw()
    {
        if (!interactive || quiet || total <= 0) return;
        double done = (double)_finished / total;
        int filled = (int)Math.Round(done * BarWidth);
        double perFile = _finished > 0 ? _batch.Elapsed.TotalSeconds / _finished : 0;
        string eta = _finished > 0 ? $"ETA {FormatSeconds(perFile * (total - _finished))}" : "ETA --";
        string last = _finished > 0 ? $"{_lastSeconds:F1} s/file" : "";
        string name = _finished < total ? Path.GetFileName(_current) : "";
        string line = _frameStatus.Length > 0
            ? $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {_finished}/{total} {name} {_frameStatus}"
            : $"[{new string('#', filled)}{new string('.', BarWidth - filled)}] {_finished}/{total} {last} {eta} {name}";
        int width = ConsoleWidth();
        if (line.Length > width - 1) line = line[..(width - 1)];
        output.Write("\r" + line.PadRight(width - 1));
        output.Flush();
        _barShown = true;
    }

    private void Clear()
    {
        if (!_barShown) return;
        output.Write("\r" + new string(' ', ConsoleWidth() - 1) + "\r");
        _barShown = false;
    }

    private static int ConsoleWidth()
    {
        try
        {
            return Math.Max(40, Console.WindowWidth);
        }
        catch (IOException)
        {
            return 80;
        }
    }

    private static string FormatSeconds(double seconds) =>
        seconds < 60 ? $"{seconds:F0}s" : $"{(int)(seconds / 60)}m{(int)(seconds % 60):D2}s";
}
