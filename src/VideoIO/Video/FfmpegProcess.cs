using System.Diagnostics;
using ClipLit.Core.Processes;

namespace ClipLit.VideoIO.Video;

/// <summary>How an exact-size read from ffmpeg's output went.</summary>
public enum FrameRead
{
    /// <summary>The whole buffer was filled: one frame.</summary>
    Whole,

    /// <summary>The output ended (or its pipe broke) between frames: there are no more.</summary>
    End,

    /// <summary>The output ended (or its pipe broke) partway through a frame: the part is no frame, and there are no more.</summary>
    Truncated,
}

/// <summary>
/// One running ffmpeg child process, the one place VideoIO starts a long-running ffmpeg: it keeps
/// the last lines of ffmpeg's standard error (the error behind a failure), reads exact-size frames
/// from its standard output or writes to its standard input, and stops it when disposed. Its
/// arguments are a list, each element one argument of ffmpeg's (never a command line to split), so
/// a file name or an option value cannot become a second argument whatever characters it holds.
/// Frames are read from the process's own standard output (FFMpegCore's output pipe is disposed as
/// soon as ffmpeg exits and so drops frames still buffered in it: the last frames of a clip).
/// Thread-safety: one thread reads or writes at a time; Dispose may be called any number of times,
/// from any thread, also while a read waits (a cancelled read-ahead): that read then ends.
/// Ownership: owns the process and its pipes; Dispose kills the process (with any children) if it
/// still runs and waits for it. <see cref="ExitCode"/> and <see cref="LastErrorLine"/> stay readable after Dispose.
/// </summary>
public sealed class FfmpegProcess : IDisposable, IAsyncDisposable
{
    /// <summary>Standard error lines kept: enough to find the error behind a failure, bounded for processes that run for hours.</summary>
    public const int ErrorLinesKept = 32;

    private readonly Process _process;
    private readonly Stream? _output;
    private readonly Stream? _input;
    private readonly Queue<string> _errorLines = new();
    private readonly Lock _stopGate = new();
    private Task? _stopped;
    private volatile bool _stopping;
    private int? _exitCode;
    private bool _outputEnded;

    private FfmpegProcess(string name, IReadOnlyList<string> arguments, bool readOutput, bool writeInput)
    {
        Name = name;
        var start = ChildProgram.StartInfo(FfmpegTools.Ffmpeg, arguments);
        start.RedirectStandardOutput = readOutput;
        start.RedirectStandardInput = writeInput;
        start.RedirectStandardError = true;
        try
        {
            _process = ChildProgram.Start(start);
        }
        catch (ChildProgramException e)
        {
            throw new VideoFileException(name, e.Message);
        }
        _process.ErrorDataReceived += (_, line) => KeepErrorLine(line.Data);
        _process.BeginErrorReadLine();
        _output = readOutput ? _process.StandardOutput.BaseStream : null;
        _input = writeInput ? _process.StandardInput.BaseStream : null;
    }

    /// <summary>Starts ffmpeg with <paramref name="arguments"/>, its frames to be read from its standard output (which the arguments name as <c>pipe:1</c>).</summary>
    /// <param name="name">The file, device or URL it works on; errors name it.</param>
    /// <param name="arguments">ffmpeg's arguments after the program's name, one element each.</param>
    /// <exception cref="VideoFileException">ffmpeg could not be started.</exception>
    public static FfmpegProcess StartReading(string name, IReadOnlyList<string> arguments) => new(name, arguments, readOutput: true, writeInput: false);

    /// <summary>Starts ffmpeg with <paramref name="arguments"/>, its input written to its standard input (which the arguments name as <c>pipe:0</c>).</summary>
    /// <param name="name">The file, device or URL it works on; errors name it.</param>
    /// <param name="arguments">ffmpeg's arguments after the program's name, one element each.</param>
    /// <exception cref="VideoFileException">ffmpeg could not be started.</exception>
    public static FfmpegProcess StartWriting(string name, IReadOnlyList<string> arguments) => new(name, arguments, readOutput: false, writeInput: true);

    /// <summary>Starts ffmpeg with <paramref name="arguments"/> reading and writing files alone (a join); wait for it with <see cref="WaitForExitAsync"/>.</summary>
    /// <param name="name">The file it writes; errors name it.</param>
    /// <param name="arguments">ffmpeg's arguments after the program's name, one element each.</param>
    /// <exception cref="VideoFileException">ffmpeg could not be started.</exception>
    public static FfmpegProcess Start(string name, IReadOnlyList<string> arguments) => new(name, arguments, readOutput: false, writeInput: false);

    /// <summary>The file, device or URL ffmpeg works on.</summary>
    public string Name { get; }

    /// <summary>ffmpeg's exit code, once it has exited (also after Dispose; a killed ffmpeg's is non-zero).</summary>
    /// <exception cref="InvalidOperationException">ffmpeg still runs.</exception>
    public int ExitCode => _exitCode ?? _process.ExitCode;

    /// <summary>
    /// Fills all of <paramref name="frame"/> from ffmpeg's standard output, or says that the output
    /// ended (cleanly between frames, or truncated within one); after an end, every read is an end.
    /// </summary>
    /// <exception cref="ObjectDisposedException">Called after Dispose.</exception>
    public async ValueTask<FrameRead> ReadFrameAsync(Memory<byte> frame, CancellationToken cancellation)
    {
        var output = _output ?? throw new InvalidOperationException("this ffmpeg process was started for writing: it has no output to read");
        ObjectDisposedException.ThrowIf(_stopping, this);
        if (_outputEnded) return FrameRead.End;
        int filled = 0;
        try
        {
            while (filled < frame.Length)
            {
                int read = await output.ReadAsync(frame[filled..], cancellation);
                if (read == 0) break; // ffmpeg closed its output: it has ended
                filled += read;
            }
        }
        catch (IOException) when (!cancellation.IsCancellationRequested)
        {
            // The pipe broke (ffmpeg was stopped): the end; its standard error says why.
        }
        catch (ObjectDisposedException) when (_stopping)
        {
            // Disposed while this read waited: the end.
        }
        if (filled == frame.Length) return FrameRead.Whole;
        _outputEnded = true;
        return filled == 0 ? FrameRead.End : FrameRead.Truncated;
    }

    /// <summary>Closes ffmpeg's standard output: the frames it still writes are not wanted (it may end with a broken pipe). Later reads are ends.</summary>
    public void CloseOutput()
    {
        _outputEnded = true;
        _output?.Dispose();
    }

    /// <summary>ffmpeg's standard input, for a writer that streams a container into it.</summary>
    /// <exception cref="ObjectDisposedException">Called after Dispose.</exception>
    public Stream Input
    {
        get
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            return _input ?? throw new InvalidOperationException("this ffmpeg process was not started for writing: it has no input");
        }
    }

    /// <summary>Writes <paramref name="data"/> to ffmpeg's standard input, blocking while the pipe is full.</summary>
    /// <exception cref="IOException">ffmpeg went away (its error line says why).</exception>
    /// <exception cref="ObjectDisposedException">Called after Dispose.</exception>
    public void Write(ReadOnlySpan<byte> data)
    {
        var input = _input ?? throw new InvalidOperationException("this ffmpeg process was started for reading: it has no input to write");
        ObjectDisposedException.ThrowIf(_stopping, this);
        input.Write(data);
    }

    /// <summary>Closes ffmpeg's standard input: the end of its input, so it finishes its output and exits.</summary>
    /// <exception cref="IOException">ffmpeg went away before reading all of it.</exception>
    public void CloseInput() => _input?.Close();

    /// <summary>Waits until ffmpeg has exited and its standard error has been read to the end; a cancellation stops it.</summary>
    /// <exception cref="ObjectDisposedException">Called after Dispose.</exception>
    /// <exception cref="OperationCanceledException">Cancelled: ffmpeg was stopped.</exception>
    public async Task WaitForExitAsync(CancellationToken cancellation = default)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        try
        {
            await _process.WaitForExitAsync(cancellation);
        }
        catch (OperationCanceledException)
        {
            await Stop();
            throw;
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: as long as it takes) for ffmpeg to exit; whether it did.</summary>
    /// <exception cref="ObjectDisposedException">Called after Dispose.</exception>
    public bool WaitForExit(TimeSpan timeout)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        return _process.WaitForExit(timeout);
    }

    /// <summary>The last standard error line kept (matching <paramref name="where"/> when given), or null; complete once ffmpeg has exited and been waited for.</summary>
    public string? LastErrorLine(Func<string, bool>? where = null)
    {
        lock (_errorLines) return where is null ? _errorLines.LastOrDefault() : _errorLines.LastOrDefault(where);
    }

    /// <summary>Kills ffmpeg (and its children) if it still runs and waits for it. Safe to call twice, also concurrently.</summary>
    public void Dispose() => Stop().GetAwaiter().GetResult();

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync() => new(Stop());

    /// <summary>The one stop: every Dispose waits for the same one.</summary>
    private Task Stop()
    {
        lock (_stopGate)
        {
            // Set before the pipes close, so a read that finds its pipe disposed knows why.
            _stopping = true;
            return _stopped ??= StopAsync();
        }
    }

    private async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the check and the kill.
            }
        }
        await _process.WaitForExitAsync();
        _exitCode = _process.ExitCode;
        _output?.Dispose();
        try
        {
            _input?.Dispose();
        }
        catch (IOException)
        {
            // ffmpeg is gone: nothing more can reach it.
        }
        _process.Dispose();
    }

    private void KeepErrorLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        lock (_errorLines)
        {
            _errorLines.Enqueue(line.Trim());
            if (_errorLines.Count > ErrorLinesKept) _errorLines.Dequeue();
        }
    }
}
