using System.Reflection;
using FieldAttributes = Mono.Cecil.FieldAttributes;
using TypeAttributes = Mono.Cecil.TypeAttributes;
using Ffi.Il;
using Mono.Cecil;

namespace Ffi.Compile.Il;

/// <summary>
/// The engine's carrier value types — the six eightbyte structs (<c>{long}</c>, <c>{double}</c>, <c>{long, double}</c>…)
/// that make the JIT pass a C aggregate in the registers the plan names, and the stack images that carry a call's
/// whole outgoing stack area — copied into the generated assembly (internal, named <c>&lt;Ffi&gt;EightbytesIS</c>,
/// <c>&lt;Ffi&gt;StackImage24</c>: no spec name can take them), field for field, with the same layout, so generated
/// code needs no <c>Ffi.Emit</c>. Made once per module, on first use.
/// </summary>
internal sealed class CarrierCopies(ModuleDefinition module, string ns, TypeReference valueType)
{
    private static readonly System.Type[] Eightbytes =
        [typeof(EightbytesI), typeof(EightbytesS), typeof(EightbytesII), typeof(EightbytesIS), typeof(EightbytesSI), typeof(EightbytesSS)];

    private readonly Dictionary<System.Type, TypeDefinition> _made = [];

    /// <summary>Whether <paramref name="t"/> is one of the engine's carrier types.</summary>
    public static bool IsCarrier(System.Type t) =>
        Array.IndexOf(Eightbytes, t) >= 0 || t.Assembly.GetName().Name == Carriers.StackImageAssemblyName;

    /// <summary>The copy of carrier <paramref name="t"/> in the module.</summary>
    public TypeDefinition For(System.Type t)
    {
        if (_made.TryGetValue(t, out var copy)) return copy;
        copy = new TypeDefinition(ns, "<Ffi>" + t.Name, TypeAttributes.NotPublic | TypeAttributes.Sealed | TypeAttributes.SequentialLayout
            | TypeAttributes.BeforeFieldInit, valueType);
        var layout = t.StructLayoutAttribute!;
        // A stack image has an explicit size and packing 8; an eightbytes struct has neither (its fields make it).
        if (layout.Size > 0)
        {
            copy.PackingSize = (short)layout.Pack;
            copy.ClassSize = layout.Size;
        }
        foreach (var f in t.GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => f.MetadataToken))
            copy.Fields.Add(new FieldDefinition(f.Name, FieldAttributes.Public, f.FieldType == typeof(double) ? module.TypeSystem.Double
                : f.FieldType == typeof(long) ? module.TypeSystem.Int64
                : throw new InvalidOperationException($"carrier {t.Name} has a field of {f.FieldType}; its copy knows long and double only")));
        module.Types.Add(copy);
        _made.Add(t, copy);
        return copy;
    }
}
