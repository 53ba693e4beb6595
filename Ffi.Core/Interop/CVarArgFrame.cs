using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace Ffi.Interop;

/// <summary>
/// Where a compiled variadic call puts its extras (<see cref="CVarArg"/>s) for its one fixed call shape. System V
/// assigns general and vector registers independently and in order, and a variadic callee reads its extras with the
/// same rules, so every extras list fits one shape: the fixed parameters, then <c>long</c> fillers for the general
/// registers the fixed ones left, then <c>double</c> fillers for the vector registers they left, then a
/// <see cref="CVarArgStack"/> by value (on the stack right after the fixed parameters' stack part). <see cref="Pack"/>
/// puts the INTEGER extras (ints, pointers, strings) into the general fillers in order, the SSE extras (doubles) into
/// the vector fillers in order, and those that overflow into the stack image in argument order, as C's caller does:
/// <code>
/// void f(int, ...) called (1, 2.0, 3, …, 9): edi=1; xmm0=2.0; esi..r9d = 3..7; stack: 8, 9   (fixed: 1 GPR, 0 XMM)
/// </code>
/// Public for generated code, which may use only public API; not meant for user code. Strings are copied as UTF-8
/// into one native block that <see cref="Free"/> releases after the call.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public unsafe struct CVarArgFrame
{
    /// <summary>General argument registers (rdi, rsi, rdx, rcx, r8, r9).</summary>
    public const int IntegerRegisters = 6;

    /// <summary>Vector argument registers (xmm0–xmm7).</summary>
    public const int SseRegisters = 8;

    private fixed long _integer[IntegerRegisters];
    private fixed double _sse[SseRegisters];
    private CVarArgStack _stack;
    private nint _strings;

    /// <summary>
    /// Places <paramref name="extras"/>: the first <paramref name="integerSlots"/> INTEGER extras in the general fillers,
    /// the first <paramref name="sseSlots"/> doubles in the vector fillers, the rest in the stack image in argument order.
    /// </summary>
    /// <param name="extras">The extras, in argument order.</param>
    /// <param name="integerSlots">The general registers the fixed parameters left (the filler count).</param>
    /// <param name="sseSlots">The vector registers the fixed parameters left.</param>
    /// <param name="function">The function, for messages.</param>
    /// <exception cref="FfiArgumentException">
    /// An extra is <c>default(CVarArg)</c>, or more than <see cref="CVarArgStack.Length"/> extras would go to the stack;
    /// the message names the function (and the extra or the count). Nothing is allocated then.
    /// </exception>
    public void Pack(ReadOnlySpan<CVarArg> extras, int integerSlots, int sseSlots, string function)
    {
        int g = 0, x = 0, s = 0;
        long textBytes = 0;
        for (int i = 0; i < extras.Length; i++)
        {
            var e = extras[i];
            if (e.Type is null)
                throw new FfiArgumentException($"{function}: vararg[{i}]", "default(CVarArg) carries no value (convert a value or use a factory such as CVarArg.Int64)");
            if (e.IsSse ? x++ >= sseSlots : g++ >= integerSlots) s++;
            if (e.Text is not null) textBytes += Encoding.UTF8.GetByteCount(e.Text) + 1;
        }
        if (s > CVarArgStack.Length)
            throw new FfiArgumentException(function, $"{extras.Length} variadic extras put {s} on the stack; a compiled variadic call passes at most "
                + $"{CVarArgStack.Length} there (the run-time engine's Invoke takes any number)");

        byte* text = textBytes == 0 ? null : (byte*)NativeMemory.Alloc((nuint)textBytes);
        byte* end = text + textBytes;
        _strings = (nint)text;
        g = x = s = 0;
        for (int i = 0; i < extras.Length; i++)
        {
            var e = extras[i];
            long bits = e.Bits;
            if (e.Text is not null)
            {
                int n = Encoding.UTF8.GetBytes(e.Text, new Span<byte>(text, (int)Math.Min(end - text, int.MaxValue)));
                text[n] = 0;
                bits = (long)text;
                text += n + 1;
            }
            if (e.IsSse && x < sseSlots) _sse[x++] = BitConverter.Int64BitsToDouble(bits);
            else if (!e.IsSse && g < integerSlots) _integer[g++] = bits;
            else _stack[s++] = bits;
        }
    }

    /// <summary>The value of general filler <paramref name="i"/>.</summary>
    /// <param name="i">The filler, 0 for the first general register the fixed parameters left.</param>
    public readonly long Integer(int i) => _integer[i];

    /// <summary>The value of vector filler <paramref name="i"/>.</summary>
    /// <param name="i">The filler, 0 for the first vector register the fixed parameters left.</param>
    public readonly double Sse(int i) => _sse[i];

    /// <summary>The stack image (the extras that found no register, in argument order; zeros after them).</summary>
    public readonly CVarArgStack Stack() => _stack;

    /// <summary>Frees the strings' UTF-8 copies; called once the call has returned. Idempotent.</summary>
    public void Free()
    {
        var p = _strings;
        _strings = 0;
        if (p != 0) NativeMemory.Free((void*)p);
    }
}
