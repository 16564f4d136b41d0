using System.Buffers.Binary;
using System.Text;

namespace ClipLit.Inference.Model;

/// <summary>A <c>module.name</c> global referenced by a pickle (a class or a function).</summary>
public sealed record PickleGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>The result of calling a global that the reader does not model: kept for error messages.</summary>
public sealed record PickleCall(PickleGlobal Callable, object?[] Arguments);

/// <summary>
/// A deliberately small unpickler for the subset of Python's pickle protocol (0-5) that
/// <c>torch.save</c> emits for state dicts. It never executes anything: globals become
/// <see cref="PickleGlobal"/> values and calls are resolved only through the <c>resolveCall</c> hook,
/// so a hostile file can at worst fail to load.
/// Thread-safety: one instance per stream. Ownership: does not own the data it reads.
/// </summary>
public sealed class PickleReader
{
    private static readonly object Mark = new();

    private readonly byte[] _data;
    private readonly Func<PickleGlobal, object?[], object?> _resolveCall;
    private readonly Func<object?, object?> _resolvePersistentId;
    private readonly Dictionary<long, object?> _memo = new();
    private readonly List<object?> _stack = new();
    private int _pos;

    public PickleReader(
        byte[] data,
        Func<PickleGlobal, object?[], object?> resolveCall,
        Func<object?, object?> resolvePersistentId)
    {
        _data = data;
        _resolveCall = resolveCall;
        _resolvePersistentId = resolvePersistentId;
    }

    /// <summary>Runs the pickle program and returns the object it builds.</summary>
    /// <exception cref="InvalidDataException">The stream is malformed or uses an unsupported opcode.</exception>
    public object? Load()
    {
        while (true)
        {
            if (_pos >= _data.Length) throw new InvalidDataException("pickle ends without a STOP opcode");
            byte op = _data[_pos++];
            switch (op)
            {
                case 0x80: Take(1); break; // PROTO n
                case 0x95: Take(8); break; // FRAME n
                case (byte)'.': return Pop(); // STOP
                case (byte)'(': _stack.Add(Mark); break; // MARK
                case (byte)'N': _stack.Add(null); break;
                case 0x88: _stack.Add(true); break; // NEWTRUE
                case 0x89: _stack.Add(false); break; // NEWFALSE
                case (byte)'J': _stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(Take(4))); break; // BININT
                case (byte)'K': _stack.Add((long)Take(1)[0]); break; // BININT1
                case (byte)'M': _stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(Take(2))); break; // BININT2
                case 0x8a: _stack.Add(ReadLong(Take(1)[0])); break; // LONG1
                case (byte)'G': _stack.Add(BinaryPrimitives.ReadDoubleBigEndian(Take(8))); break; // BINFLOAT
                case (byte)'X': _stack.Add(ReadUtf8(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // BINUNICODE
                case 0x8c: _stack.Add(ReadUtf8(Take(1)[0])); break; // SHORT_BINUNICODE
                case 0x8d: _stack.Add(ReadUtf8(Length(BinaryPrimitives.ReadUInt64LittleEndian(Take(8))))); break; // BINUNICODE8
                case (byte)'B': _stack.Add(Take(BinaryPrimitives.ReadUInt32LittleEndian(Take(4))).ToArray()); break; // BINBYTES
                case (byte)'C': _stack.Add(Take(Take(1)[0]).ToArray()); break; // SHORT_BINBYTES
                case (byte)'}': _stack.Add(new Dictionary<object, object?>()); break; // EMPTY_DICT
                case (byte)']': _stack.Add(new List<object?>()); break; // EMPTY_LIST
                case (byte)')': _stack.Add(Array.Empty<object?>()); break; // EMPTY_TUPLE
                case (byte)'t': _stack.Add(PopToMark().ToArray()); break; // TUPLE
                case 0x85: _stack.Add(new[] { Pop() }); break; // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b }); break; } // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); _stack.Add(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'q': _memo[Take(1)[0]] = Peek(); break; // BINPUT
                case (byte)'r': _memo[BinaryPrimitives.ReadUInt32LittleEndian(Take(4))] = Peek(); break; // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break; // MEMOIZE
                case (byte)'h': _stack.Add(MemoGet(Take(1)[0])); break; // BINGET
                case (byte)'j': _stack.Add(MemoGet(BinaryPrimitives.ReadUInt32LittleEndian(Take(4)))); break; // LONG_BINGET
                case (byte)'c': _stack.Add(new PickleGlobal(ReadLine(), ReadLine())); break; // GLOBAL
                case 0x93: { var name = Text(Pop()); var module = Text(Pop()); _stack.Add(new PickleGlobal(module, name)); break; } // STACK_GLOBAL
                case (byte)'R': // REDUCE
                case 0x81: // NEWOBJ
                    {
                        var args = Pop() as object?[] ?? throw new InvalidDataException("call arguments are not a tuple");
                        var callable = Pop() as PickleGlobal ?? throw new InvalidDataException("call target is not a global");
                        _stack.Add(_resolveCall(callable, args));
                        break;
                    }
                case (byte)'b': Pop(); break; // BUILD: object state (e.g. a state dict's _metadata) is not needed
                case (byte)'Q': _stack.Add(_resolvePersistentId(Pop())); break; // BINPERSID
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItem(Peek(), k, v); break; } // SETITEM
                case (byte)'u': // SETITEMS
                    {
                        var items = PopToMark();
                        var target = Peek();
                        for (int i = 0; i + 1 < items.Count; i += 2) SetItem(target, items[i], items[i + 1]);
                        break;
                    }
                case (byte)'a': { var v = Pop(); AsList(Peek()).Add(v); break; } // APPEND
                case (byte)'e': { var items = PopToMark(); AsList(Peek()).AddRange(items); break; } // APPENDS
                case (byte)'0': Pop(); break; // POP
                case (byte)'1': PopToMark(); break; // POP_MARK
                case (byte)'2': _stack.Add(Peek()); break; // DUP
                default:
                    throw new InvalidDataException($"unsupported pickle opcode 0x{op:x2} at byte {_pos - 1}");
            }
        }
    }

    private ReadOnlySpan<byte> Take(long count)
    {
        if (count < 0 || _pos + count > _data.Length) throw new InvalidDataException("pickle data is truncated");
        var span = _data.AsSpan(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    private string ReadUtf8(long length) => Encoding.UTF8.GetString(Take(length));

    /// <summary>A length field as a count; one no file could hold is malformed (never an overflow).</summary>
    private static long Length(ulong value) => value <= (ulong)int.MaxValue ? (long)value : throw new InvalidDataException("pickle length is larger than any pickle");

    private static string Text(object? value) => value as string ?? throw new InvalidDataException("pickle STACK_GLOBAL names are not strings");

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw new InvalidDataException("pickle GLOBAL is not terminated");
        var text = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return text;
    }

    private long ReadLong(int byteCount)
    {
        var bytes = Take(byteCount);
        if (byteCount > 8) throw new InvalidDataException("pickle integer is wider than 64 bits");
        long value = 0;
        for (int i = byteCount - 1; i >= 0; i--) value = (value << 8) | bytes[i];
        // Two's complement sign extension for widths below 64 bits.
        if (byteCount is > 0 and < 8 && (bytes[byteCount - 1] & 0x80) != 0) value -= 1L << (8 * byteCount);
        return value;
    }

    private object? MemoGet(long key) =>
        _memo.TryGetValue(key, out var value) ? value : throw new InvalidDataException($"pickle memo key {key} is missing");

    private object? Pop()
    {
        if (_stack.Count == 0) throw new InvalidDataException("pickle stack underflow");
        var top = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        if (ReferenceEquals(top, Mark)) throw new InvalidDataException("pickle pops a MARK as a value");
        return top;
    }

    private object? Peek() =>
        _stack.Count > 0 ? _stack[^1] : throw new InvalidDataException("pickle stack underflow");

    private List<object?> PopToMark()
    {
        int mark = _stack.FindLastIndex(o => ReferenceEquals(o, Mark));
        if (mark < 0) throw new InvalidDataException("pickle has no MARK to pop to");
        var items = _stack.GetRange(mark + 1, _stack.Count - mark - 1);
        _stack.RemoveRange(mark, _stack.Count - mark);
        return items;
    }

    private static void SetItem(object? target, object? key, object? value)
    {
        if (target is not Dictionary<object, object?> dict || key is null)
            throw new InvalidDataException("pickle SETITEM target is not a dictionary");
        dict[key] = value;
    }

    private static List<object?> AsList(object? target) =>
        target as List<object?> ?? throw new InvalidDataException("pickle APPEND target is not a list");
}
