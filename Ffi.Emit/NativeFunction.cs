using System.Collections;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using Ffi.Abi;
using Ffi.Downcalls;
using Ffi.Memory;
using Ffi.Native;
using Ffi.Spec;
using Ffi.Types;
using Ffi.Values;

namespace Ffi;

/// <summary>
/// A bound C function, callable dynamically with the original's conversion rules. The call stub is generated
/// on first use (thread-safe) and cached; variadic functions get one stub per call shape.
/// </summary>
/// <example>
/// <code>
/// var strlen = libc.Function("strlen");
/// ulong n = (ulong)strlen.Invoke("hello")!;                          // 5
/// var text = (string)libc.Invoke("snprintf_str", ...)!;              // ret_as_str functions return strings
/// libc.Invoke("printf", "%d %s %.2f\n", new object?[] { 42, "x", 3.14159 });   // variadic: extras as one array
/// </code>
/// </example>
public sealed unsafe class NativeFunction
{
    private readonly NativeModule _module;
    private readonly Lazy<Prepared> _fixed;
    private readonly ConcurrentDictionary<string, Prepared> _shapes = new(StringComparer.Ordinal);
    private readonly bool _captureErrno;

    private sealed record Prepared(CallPlan Plan, ArgumentFrame Frame, RawCall Stub);

    internal NativeFunction(NativeModule module, FunctionSpec spec, nint address, bool captureErrno)
    {
        _module = module;
        Spec = spec;
        Address = address;
        _captureErrno = captureErrno || spec.CapturesErrno;
        _fixed = new Lazy<Prepared>(() => Prepare(spec.ParameterTypes, null), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The function as the spec declares it.</summary>
    public FunctionSpec Spec { get; }

    /// <summary>The function's name.</summary>
    public string Name => Spec.Name;

    /// <summary>The function's address.</summary>
    public nint Address { get; }

    /// <summary>
    /// Calls the function. Arguments convert with the original's rules: integers range-checked, floats from any
    /// number, pointers from <see langword="null"/>, <see cref="NativePointer"/> or <see cref="nint"/> (tag-checked
    /// for handles), <c>char*</c> from a string (a NUL-terminated UTF-8 copy for the call), any pointer from an array of
    /// primitives (pinned for the call), by-value aggregates from a <see cref="NativePointer"/> to storage or a managed
    /// value (dictionary, anonymous object, list). A variadic function takes its extras as one final array.
    /// </summary>
    /// <returns>
    /// <see langword="null"/> for void; the natural CLR value for scalars (see <see cref="ScalarMemory"/>); a string
    /// (or null) for <c>ret_as_str</c>; for a struct, union or array returned by value, new storage owned by the
    /// module's memory, as a typed <see cref="NativePointer"/>.
    /// </returns>
    /// <exception cref="FfiArgumentException">Wrong number of arguments, or a value that does not convert.</exception>
    /// <exception cref="FfiCapabilityDeniedException">The function needs a capability the module was not granted.</exception>
    /// <exception cref="ObjectDisposedException">The module was disposed.</exception>
    public object? Invoke(params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        _module.CheckCallable(Spec.Name, Spec.Capabilities);
        int fixedCount = Spec.ParameterTypes.Count;
        int expected = fixedCount + (Spec.IsVariadic ? 1 : 0);
        if (args.Length != expected)
            throw new FfiArgumentException(Spec.Name, $"expected {expected} argument(s){(Spec.IsVariadic ? " (the last one an array of variadic extras)" : "")}, got {args.Length}");

        var cleanup = new List<Action>();
        try
        {
            var types = (IReadOnlyList<CType>)Spec.ParameterTypes;
            var values = args;
            nint target = Address;
            Prepared prepared;
            if (Spec.IsVariadic)
            {
                var (extraTypes, extraValues) = Promote(args[fixedCount]);
                types = Spec.ParameterTypes.Concat(extraTypes).ToArray();
                values = args.Take(fixedCount).Concat(extraValues).ToArray();
                var shape = string.Join(",", extraTypes.Select(t => t.DisplayName));
                prepared = _shapes.GetOrAdd(shape, _ => Prepare(types, fixedCount));
                target = _module.VariadicThunkFor(Address);
            }
            else
            {
                prepared = _fixed.Value;
            }

            var frame = prepared.Frame;
            byte* argBuffer = stackalloc byte[frame.ArgumentBytes <= 1024 ? (int)frame.ArgumentBytes : 0];
            byte* retBuffer = stackalloc byte[frame.ReturnBytes <= 256 ? (int)frame.ReturnBytes : 0];
            if (frame.ArgumentBytes > 1024) argBuffer = Scratch(frame.ArgumentBytes, cleanup);
            if (frame.ReturnBytes > 256) retBuffer = Scratch(frame.ReturnBytes, cleanup);

            for (int i = 0; i < values.Length; i++)
                WriteArgument(types[i], (nint)(argBuffer + frame.Offsets[i]), values[i], i, cleanup);

            prepared.Stub(target, argBuffer, retBuffer);
            return ReadReturn((nint)retBuffer);
        }
        finally
        {
            foreach (var release in cleanup) release();
        }
    }

    private Prepared Prepare(IReadOnlyList<CType> types, int? fixedCount)
    {
        var plan = SysVCallPlanner.Plan(Spec.ReturnType, types, fixedCount);
        return new Prepared(plan, ArgumentFrame.For(plan), RawCallStub.Emit(plan, Spec.Name, _captureErrno));
    }

    private static byte* Scratch(long bytes, List<Action> cleanup)
    {
        var p = (byte*)NativeMemory.AllocZeroed((nuint)bytes);
        cleanup.Add(() => NativeMemory.Free(p));
        return p;
    }

    private void WriteArgument(CType type, nint at, object? value, int index, List<Action> cleanup)
    {
        string where = $"{Spec.Name}: param[{index}] ({type.DisplayName})";
        switch (value)
        {
            case string s when IsCharPointer(type):
                *(nint*)at = Utf8Copy(s, cleanup);
                return;
            case Array array when type is PointerType && array.GetType().GetElementType() is { IsPrimitive: true }:
            {
                var pin = GCHandle.Alloc(array, GCHandleType.Pinned);
                cleanup.Add(pin.Free);
                *(nint*)at = pin.AddrOfPinnedObject();
                return;
            }
        }
        if (ScalarMemory.IsScalar(type)) ScalarMemory.Write(type, at, value, where);
        else FfiMemory.WriteValue(type, at, value, where);
    }

    private static bool IsCharPointer(CType type) => type switch
    {
        PointerType p => p.IsCharPointer,
        HandleType h => IsCharPointer(h.Rep),
        _ => false,
    };

    // A NUL-terminated UTF-8 copy for the duration of the call (embedded NULs are copied too).
    private static nint Utf8Copy(string s, List<Action> cleanup)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        var p = (byte*)NativeMemory.Alloc((nuint)n + 1);
        cleanup.Add(() => NativeMemory.Free(p));
        Encoding.UTF8.GetBytes(s, new Span<byte>(p, n));
        p[n] = 0;
        return (nint)p;
    }

    private object? ReadReturn(nint ret)
    {
        var t = Spec.ReturnType;
        if (Spec.ReturnsString)
        {
            var p = *(nint*)ret;
            return p == 0 ? null : Marshal.PtrToStringUTF8(p);
        }
        if (t is VoidType) return null;
        if (ScalarMemory.IsScalar(t)) return ScalarMemory.Read(t, ret);
        if (t.Size == 0) return NativePointer.Null;
        var storage = _module.Memory.New(t);
        Buffer.MemoryCopy((void*)ret, (void*)storage.Address, t.Size, t.Size);
        return storage;
    }

    // C's default argument promotions applied to an explicitly typed extra.
    private CType DefaultPromotion(CType type, TypeRegistry reg, int index) => type switch
    {
        IntType { Bits: < 32 } or EnumType { Base.Bits: < 32 } => reg["int"],
        FloatType { Bits: 32 } => reg["double"],
        VoidType or AggregateType or ArrayType => throw new FfiArgumentException($"{Spec.Name}: vararg[{index}]",
            $"a variadic extra must be a scalar, not {type.DisplayName}"),
        _ => type,
    };

    // C's default argument promotions for the extras of a variadic call: integers and bools → int (long long when
    // they do not fit), floating → double, strings/pointers/null → pointers.
    private (CType[] Types, object?[] Values) Promote(object? extras)
    {
        if (extras is not IList list || extras is string)
            throw new FfiArgumentException(Spec.Name, $"a variadic function takes its extra arguments as one final array, not {ValueConverter.Describe(extras)}");
        var types = new CType[list.Count];
        var values = new object?[list.Count];
        var reg = _module.Types;
        for (int i = 0; i < list.Count; i++)
        {
            var v = list[i];
            values[i] = v;
            if (v is VarArg typed)
            {
                values[i] = typed.Value;
                types[i] = DefaultPromotion(typed.Type, reg, i);
                continue;
            }
            types[i] = v switch
            {
                bool or sbyte or byte or short or ushort or int or char => reg["int"],
                uint u => u <= int.MaxValue ? reg["int"] : reg["uint"],
                long l => l is >= int.MinValue and <= int.MaxValue ? reg["int"] : reg["longlong"],
                ulong u => u <= int.MaxValue ? reg["int"] : u <= long.MaxValue ? reg["longlong"] : reg["ulonglong"],
                float or double or decimal => reg["double"],
                string => reg["string"],
                null or NativePointer or nint or nuint => reg["pointer"],
                _ => throw new FfiArgumentException($"{Spec.Name}: vararg[{i}]", $"cannot pass {ValueConverter.Describe(v)} as a variadic argument (integers, floats, strings, pointers and null can be)"),
            };
            if (v is bool b) values[i] = b ? 1 : 0;
            if (v is char c) values[i] = (int)c;
        }
        return (types, values);
    }
}
