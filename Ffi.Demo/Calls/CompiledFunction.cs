using System.Reflection;
using System.Reflection.Emit;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ffi.Compile;
using Ffi.Compile.FunctionEmit;
using Ffi.Interop;
using Ffi.Memory;
using Ffi.Runtime;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Demo.Calls;

/// <summary>
/// One function of a compiled bindings assembly, called with the run-time path's <c>object</c> values
/// (<see cref="CompiledCalls"/>). Each fixed argument is written as its C type into a native block with the engine's
/// rules and messages (<see cref="DynamicArguments.WriteValue"/>, the general path's own), each extra is promoted by
/// the run-time path's rule set and passed as a <see cref="CVarArg"/>, and a small invoker loads the block as the
/// method's CLR parameters and stores its result for the run-time path's reader.
/// </summary>
/// <remarks>
/// The natural form is called, so that a <c>string</c> for <c>const char *</c> goes through the compiled string
/// marshalling; the raw form (strings as <c>byte*</c>, <c>ffi compile</c>'s third form) when the natural one cannot
/// carry the request: an address for a string parameter, or a <c>const char *</c> result that the spec does not
/// declare <c>ret_as_str</c> (the run-time path prints it as an address).
/// </remarks>
internal sealed unsafe class CompiledFunction
{
    private delegate object? Invoker(nint arguments, nint result, object?[] strings, CVarArg[] extras);

    private readonly FunctionSpec _spec;
    private readonly Form _natural;
    private readonly Form? _raw;
    private readonly int[] _offsets;
    private readonly int _argumentBytes, _resultBytes;

    public CompiledFunction(Type native, FunctionSpec spec)
    {
        _spec = spec;
        string name = ClrNames.Member(spec.Name, native.Name);
        var methods = native.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => (m.Name == name || m.Name == name + BindingForms.RawSuffix) && Callable(m)).ToList();
        var natural = methods.Where(m => m.Name == name)
            .OrderByDescending(m => m.GetCustomAttribute<OverloadResolutionPriorityAttribute>()?.Priority ?? 0).FirstOrDefault()
            ?? throw new InvalidOperationException($"the compiled bindings have no method {native.FullName}.{name} for {spec.Name}");
        _natural = new Form(natural);
        var raw = methods.FirstOrDefault(m => m != natural);
        _raw = raw is null ? null : new Form(raw);

        _offsets = new int[spec.ParameterTypes.Count];
        int at = 0;
        for (int i = 0; i < _offsets.Length; i++)
        {
            _offsets[i] = at;
            at += Slot(spec.ParameterTypes[i].Size);
        }
        _argumentBytes = Math.Max(at, 16);
        _resultBytes = Slot(spec.ReturnType.Size);
    }

    /// <summary>Calls the function with the run-time path's values; returns what <see cref="NativeFunction.Invoke(object?[])"/> would.</summary>
    public object? Invoke(NativeFunction function, object?[] values, FfiMemory memory)
    {
        int fixedCount = _spec.ParameterTypes.Count;
        // Extras first, as the run-time path promotes them before it writes any argument.
        var (extraTypes, extraValues) = _spec.IsVariadic ? function.Promote(values[fixedCount]) : ([], []);
        var form = Chooses(values) ? _natural : _raw!;
        var block = (byte*)NativeMemory.AlignedAlloc((nuint)(_argumentBytes + _resultBytes), 16);
        var strings = new object?[fixedCount];
        var texts = new List<nint>();
        try
        {
            NativeMemory.Clear(block, (nuint)(_argumentBytes + _resultBytes));
            for (int i = 0; i < fixedCount; i++)
            {
                var type = _spec.ParameterTypes[i];
                var at = (nint)(block + _offsets[i]);
                if (form.Parameters[i] == typeof(string)) strings[i] = values[i];
                else if (values[i] is string s && DynamicArguments.IsConstCharPointer(type)) texts.Add(*(nint*)at = Marshal.StringToCoTaskMemUTF8(s));
                else DynamicArguments.WriteValue(type, at, values[i], Where(i, type));
            }
            var extras = new CVarArg[extraTypes.Length];
            for (int i = 0; i < extras.Length; i++)
                extras[i] = Extra(extraTypes[i], extraValues[i], Where(fixedCount + i, extraTypes[i]));
            var result = block + _argumentBytes;
            var returned = form.Invoker(this)((nint)block, (nint)result, strings, extras);
            return Result(form, returned, (nint)result, memory);
        }
        finally
        {
            foreach (var t in texts) Marshal.FreeCoTaskMem(t);
            NativeMemory.AlignedFree(block);
        }
    }

    // The natural form, unless it takes a string where the request gives an address, or returns a string where the
    // run-time path returns a pointer.
    private bool Chooses(object?[] values)
    {
        if (_raw is null) return true;
        if (_natural.Method.ReturnType == typeof(string) && !_spec.ReturnsString) return false;
        for (int i = 0; i < _spec.ParameterTypes.Count; i++)
            if (_natural.Parameters[i] == typeof(string) && !(values[i] is null or string && DynamicArguments.IsConstCharPointer(_spec.ParameterTypes[i])))
                return false;
        return true;
    }

    private object? Result(Form form, object? returned, nint result, FfiMemory memory)
    {
        var type = _spec.ReturnType;
        if (form.Method.ReturnType == typeof(string)) return returned;
        if (_spec.ReturnsString) return Utf8Marshal.String(*(nint*)result);
        if (type is VoidType) return null;
        return ScalarMemory.IsScalar(type) ? ScalarMemory.Read(type, result) : StructValue.Managed(memory, type, (byte*)result);
    }

    // A promoted extra as the compiled method takes it: converted with the run-time path's rules and messages, then
    // passed as the promoted type's CVarArg.
    private static CVarArg Extra(CType type, object? value, string where)
    {
        if (value is string s && DynamicArguments.IsConstCharPointer(type)) return CVarArg.String(s);
        long bits = 0;
        DynamicArguments.WriteValue(type, (nint)(&bits), value, where);
        return type switch
        {
            FloatType { Bits: 64 } => CVarArg.Double(BitConverter.Int64BitsToDouble(bits)),
            IntType i => Integer(i, bits, where),
            EnumType e => Integer(e.Base, bits, where),
            HandleType { Rep: IntType i } => Integer(i, bits, where),
            PointerType or FuncPtrType or HandleType => CVarArg.Pointer((nint)bits),
            _ => throw new FfiArgumentException(where, $"compiled bindings cannot pass a {type.DisplayName} extra"),
        };
    }

    private static CVarArg Integer(IntType type, long bits, string where) => (type.Bits, type.IsSigned) switch
    {
        (32, true) => CVarArg.Int32((int)bits),
        (32, false) => CVarArg.UInt32((uint)bits),
        (64, true) => CVarArg.Int64(bits),
        (64, false) => CVarArg.UInt64((ulong)bits),
        _ => throw new FfiArgumentException(where, $"compiled bindings cannot pass a {type.DisplayName} extra"),
    };

    // The place in messages, as the run-time path writes it (PreparedCall.Where).
    private string Where(int index, CType type) => $"{_spec.Name}: param[{index}] ({type.DisplayName})";

    private static int Slot(long size) => (int)((Math.Max(size, 8) + 15) & ~15L);

    // Forms the batch calls: no delegate overload, no span form (a variadic form's final ReadOnlySpan<CVarArg> is taken).
    private static bool Callable(MethodInfo m) => m.GetParameters().All(p =>
        p.ParameterType == typeof(ReadOnlySpan<CVarArg>) || !(p.ParameterType.IsByRef || p.ParameterType.IsByRefLike || typeof(Delegate).IsAssignableFrom(p.ParameterType)));

    private sealed class Form(MethodInfo method)
    {
        private Invoker? _invoker;

        public MethodInfo Method { get; } = method;

        public Type[] Parameters { get; } = method.GetParameters().Select(p => p.ParameterType).ToArray();

        public Invoker Invoker(CompiledFunction f) => _invoker ??= Emit(f);

        // (arguments, result, strings, extras) => { result = Method(*(P0*)(arguments + o0), ..., strings[i], extras); }
        private Invoker Emit(CompiledFunction f)
        {
            var dm = new DynamicMethod($"ffi-batch-{Method.Name}", typeof(object), [typeof(nint), typeof(nint), typeof(object?[]), typeof(CVarArg[])],
                typeof(CompiledFunction).Module, skipVisibility: true);
            var il = dm.GetILGenerator();
            for (int i = 0; i < Parameters.Length; i++)
            {
                var p = Parameters[i];
                if (p == typeof(ReadOnlySpan<CVarArg>))
                {
                    il.Emit(OpCodes.Ldarg_3);
                    il.Emit(OpCodes.Newobj, typeof(ReadOnlySpan<CVarArg>).GetConstructor([typeof(CVarArg[])])!);
                }
                else if (p == typeof(string))
                {
                    il.Emit(OpCodes.Ldarg_2);
                    il.Emit(OpCodes.Ldc_I4, i);
                    il.Emit(OpCodes.Ldelem_Ref);
                    il.Emit(OpCodes.Castclass, typeof(string));
                }
                else
                {
                    il.Emit(OpCodes.Ldarg_0);
                    il.Emit(OpCodes.Ldc_I4, f._offsets[i]);
                    il.Emit(OpCodes.Add);
                    if (p.IsPointer) il.Emit(OpCodes.Ldind_I);
                    else il.Emit(OpCodes.Ldobj, p);
                }
            }
            il.Emit(OpCodes.Call, Method);
            var r = Method.ReturnType;
            if (r == typeof(void)) il.Emit(OpCodes.Ldnull);
            else if (r != typeof(string))
            {
                var value = il.DeclareLocal(r.IsPointer ? typeof(nint) : r);
                il.Emit(OpCodes.Stloc, value);
                il.Emit(OpCodes.Ldarg_1);
                il.Emit(OpCodes.Ldloc, value);
                if (r.IsPointer) il.Emit(OpCodes.Stind_I);
                else il.Emit(OpCodes.Stobj, r);
                il.Emit(OpCodes.Ldnull);
            }
            il.Emit(OpCodes.Ret);
            return dm.CreateDelegate<Invoker>();
        }
    }
}
