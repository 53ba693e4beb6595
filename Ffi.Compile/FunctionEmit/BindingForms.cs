using Ffi.Binding;
using Ffi.Marshallers;
using Ffi.Types;
using PointerType = Ffi.Types.PointerType;

namespace Ffi.Compile.FunctionEmit;

/// <summary>
/// The overloads a compiled function gets besides its natural form: at most three methods per function, never one
/// per combination of parameters. Each form is a CLR signature only; its body comes from the same emitter
/// (<see cref="Downcalls.TypedStub.EmitBody"/>) with the marshallers <see cref="MappingRules"/> picks for it, as
/// <c>GetFunction&lt;T&gt;</c> would for a delegate of that signature. For
/// <c>int compress(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen)</c> and
/// <c>char *getenv(const char *name)</c>:
/// <code>
/// natural  Z compress(byte* dest, ulong* destLen, byte* source, ulong sourceLen)      string getenv(string name)
/// span     Z compress(Span&lt;byte&gt; dest, ref ulong destLen, ReadOnlySpan&lt;byte&gt; source, ulong sourceLen)
/// raw      (the natural form: no string)                                           byte* getenv(byte* name)
/// </code>
/// <list type="bullet">
/// <item><b>natural</b>: as <see cref="FunctionEmitter"/> maps it (strings for <c>const char *</c>, <c>T*</c>, <c>nint</c>
/// for function pointers). It carries <c>[OverloadResolutionPriority(1)]</c>, so a call that fits it (<c>null</c> for any
/// pointer) picks it, and adding the other forms never changes what an existing call means.</item>
/// <item><b>span</b>: every data pointer to bytes (<c>void</c>, <c>char</c>, <c>unsigned char</c>: buffers in C) a
/// <c>Span&lt;byte&gt;</c>, <c>ReadOnlySpan&lt;byte&gt;</c> when the pointee is const, pinned for the call (empty → NULL);
/// every other data pointer whose pointee has a CLR value type (a scalar, an enum, a handle, a struct) <c>ref T</c>,
/// <c>in T</c> when const (one object in C, pinned, C reads and writes it in place); strings, pointers to pointers and
/// function pointers as in the natural form. Only when at least one parameter changed. Same name.</item>
/// <item><b>raw</b>: every pointer-like value a pointer: strings (parameters and result) as <c>byte*</c> (NUL-terminated
/// UTF-8 that is passed as it is: no copy, no check). Only when it differs from the natural form; its name is the
/// function's when its parameters differ, else the name with <c>Raw</c> (<c>byte* zlibVersionRaw()</c>: C# cannot
/// overload on the result alone).</item>
/// </list>
/// </summary>
internal static class BindingForms
{
    /// <summary>The suffix of a raw form whose parameters are the natural form's.</summary>
    public const string RawSuffix = "Raw";

    /// <summary>The forms of a function whose natural form is <paramref name="natural"/>: the natural first, then the others that differ.</summary>
    public static IReadOnlyList<BindingForm> Of(string name, BindingForm natural, CType cReturn, IReadOnlyList<CType> cParameters)
    {
        var forms = new List<BindingForm> { natural };
        var span = Span(natural, cParameters);
        if (span is not null) forms.Add(span with { Name = name });
        var raw = Raw(natural, cReturn);
        if (raw is not null)
            forms.Add(raw with { Name = raw.Parameters.SequenceEqual(natural.Parameters) ? name + RawSuffix : name });
        return forms;
    }

    private static BindingForm? Span(BindingForm natural, IReadOnlyList<CType> cParameters)
    {
        var parameters = natural.Parameters.ToArray();
        var readOnly = new bool[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            if (cParameters[i] is not PointerType p || !parameters[i].IsPointer) continue;
            if (p.Pointee is VoidType or IntType { Size: 1, IsBool: false })
            {
                parameters[i] = (p.IsPointeeConst ? typeof(ReadOnlySpan<>) : typeof(Span<>)).MakeGenericType(typeof(byte));
                continue;
            }
            var element = parameters[i].GetElementType()!;
            // void* for a pointee with no CLR value type (a function pointer, an empty struct), T** : as in the natural form.
            if (element == typeof(void) || element.IsPointer || MappingRules.MapParameter(element.MakeByRefType(), p) is not ByRefMarshaller) continue;
            parameters[i] = element.MakeByRefType();
            readOnly[i] = p.IsPointeeConst;
        }
        return parameters.SequenceEqual(natural.Parameters) ? null : new BindingForm(BindingFormKind.Span, natural.Name, natural.Return, parameters, readOnly);
    }

    private static BindingForm? Raw(BindingForm natural, CType cReturn)
    {
        var parameters = natural.Parameters.Select(t => t == typeof(string) ? typeof(byte).MakePointerType() : t).ToArray();
        var ret = natural.Return == typeof(string) && cReturn is PointerType ? typeof(byte).MakePointerType() : natural.Return;
        return ret == natural.Return && parameters.SequenceEqual(natural.Parameters)
            ? null
            : new BindingForm(BindingFormKind.Raw, natural.Name, ret, parameters, new bool[parameters.Length]);
    }
}
