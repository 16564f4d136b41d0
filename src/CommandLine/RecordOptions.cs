using System.CommandLine;

namespace ClipLit.Cli.CommandLine;

/// <summary>
/// Options that each set one property of an options record (a training run's, a distillation's)
/// when given: each is defined, added to its command and bound to its property in one place, and
/// one left out keeps the record's own default. Some may be given anew when a run is resumed
/// (<see cref="ApplyOnResume"/>): a budget, the device.
/// Thread-safety: build and parse on one thread.
/// </summary>
/// <param name="command">The command the options are added to, in the order they are bound (help lists them so).</param>
public sealed class RecordOptions<TRecord>(Command command)
{
    private readonly List<(Func<ParseResult, TRecord, TRecord> Set, bool OnResume)> _setters = [];

    /// <summary>Adds <paramref name="option"/>; when it is given, <paramref name="set"/> puts its value into the record.</summary>
    /// <param name="option">The option, added to the command.</param>
    /// <param name="set">The record with the value in its place.</param>
    /// <param name="onResume">It may also be given when the run is resumed, changing what the run stored.</param>
    public Option<T?> Add<T>(Option<T?> option, Func<TRecord, T, TRecord> set, bool onResume = false) where T : struct =>
        Bind(option, (args, record) => args.GetValue(option) is { } value ? set(record, value) : record, onResume);

    /// <inheritdoc cref="Add{T}"/>
    public Option<string?> Add(Option<string?> option, Func<TRecord, string, TRecord> set, bool onResume = false) =>
        Bind(option, (args, record) => args.GetValue(option) is { } value ? set(record, value) : record, onResume);

    /// <summary>The record with the value of every option given set.</summary>
    public TRecord Apply(ParseResult args, TRecord record) => _setters.Aggregate(record, (current, setter) => setter.Set(args, current));

    /// <summary>A resumed run's record with the value of every option given that may be given anew set.</summary>
    public TRecord ApplyOnResume(ParseResult args, TRecord record) =>
        _setters.Where(setter => setter.OnResume).Aggregate(record, (current, setter) => setter.Set(args, current));

    private TOption Bind<TOption>(TOption option, Func<ParseResult, TRecord, TRecord> set, bool onResume) where TOption : Option
    {
        command.Options.Add(option);
        _setters.Add((set, onResume));
        return option;
    }
}
