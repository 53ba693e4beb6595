using System.Reflection;
using Mono.Cecil;
using ArrayType = Mono.Cecil.ArrayType;
using PointerType = Mono.Cecil.PointerType;

namespace Ffi.Compile.Il;

/// <summary>
/// Turns the reflection operands the engine's emitters write (<see cref="Type"/>, <see cref="MethodInfo"/>,
/// <see cref="FieldInfo"/>) into references in the module being written, by where each comes from:
/// <list type="bullet">
/// <item>the first-phase assembly (the spec's types, loaded so that emitters get real types) → the definition of the
/// same name in this module;</item>
/// <item>the engine's carrier types (<c>Ffi.Il.EightbytesXX</c>, the stack images) → copies in this module
/// (<see cref="CarrierCopies"/>): generated code must not need <c>Ffi.Emit</c>;</item>
/// <item>System.Private.CoreLib → a reference by name into <c>System.Runtime</c> (or <c>System.Runtime.InteropServices</c>
/// for the few types the reference pack puts there), never CoreLib: users compile against the reference pack;</item>
/// <item><c>Ffi.Core</c> → a reference by name, public members only: NativeAOT honours no <c>IgnoresAccessChecksTo</c>.</item>
/// </list>
/// Anything else (an internal helper of <c>Ffi.Emit</c>, a type of another assembly) is refused: that emitter cannot
/// serve compiled bindings until its helper is public in <c>Ffi.Core</c>.
/// </summary>
internal sealed class CecilOperands
{
    // Types the reference pack defines in System.Runtime.InteropServices rather than System.Runtime.
    private static readonly HashSet<string> InteropServicesTypes = new(StringComparer.Ordinal)
    {
        "System.Runtime.InteropServices.Marshal", "System.Runtime.InteropServices.NativeLibrary",
        "System.Runtime.InteropServices.UnmanagedCallersOnlyAttribute",
    };

    private readonly ModuleDefinition _module;
    private readonly Assembly? _phaseOne;
    private readonly CarrierCopies _carriers;
    private readonly AssemblyNameReference _runtime;
    private readonly Lazy<AssemblyNameReference> _interop;
    private readonly Lazy<AssemblyNameReference> _core;
    private readonly Dictionary<System.Type, TypeReference> _types = [];

    /// <param name="module">The module written (its <c>System.Runtime</c> reference already added).</param>
    /// <param name="phaseOne">The first-phase assembly whose types stand for this module's, or null (while writing it).</param>
    /// <param name="carriers">Where carrier copies are made.</param>
    public CecilOperands(ModuleDefinition module, Assembly? phaseOne, CarrierCopies carriers)
    {
        _module = module;
        _phaseOne = phaseOne;
        _carriers = carriers;
        _runtime = module.AssemblyReferences.Single(r => r.Name == "System.Runtime");
        _interop = new(() => Reference(new AssemblyNameReference("System.Runtime.InteropServices", _runtime.Version) { PublicKeyToken = _runtime.PublicKeyToken }));
        var core = typeof(FfiException).Assembly.GetName();
        _core = new(() => Reference(new AssemblyNameReference(core.Name, core.Version) { PublicKeyToken = core.GetPublicKeyToken() ?? [] }));
    }

    /// <summary>A BCL type by name, in <c>System.Runtime</c>.</summary>
    public TypeReference Bcl(string ns, string name) => new(ns, name, _module, _runtime, valueType: false);

    /// <summary>The reference for <paramref name="t"/>.</summary>
    /// <exception cref="InvalidOperationException">Generated code may not use <paramref name="t"/>.</exception>
    public TypeReference Type(System.Type t)
    {
        if (_types.TryGetValue(t, out var made)) return made;
        made = Make(t);
        _types.Add(t, made);
        return made;
    }

    private TypeReference Make(System.Type t)
    {
        var ts = _module.TypeSystem;
        if (t == typeof(void)) return ts.Void;
        if (t == typeof(nint)) return ts.IntPtr;
        if (t == typeof(nuint)) return ts.UIntPtr;
        if (t == typeof(object)) return ts.Object;
        if (t.IsByRef) return new ByReferenceType(Type(t.GetElementType()!));
        if (t.IsPointer) return new PointerType(Type(t.GetElementType()!));
        if (t.IsSZArray) return new ArrayType(Type(t.GetElementType()!));
        if (t.IsGenericType && !t.IsGenericTypeDefinition)
        {
            var g = new GenericInstanceType(Type(t.GetGenericTypeDefinition()));
            foreach (var a in t.GetGenericArguments()) g.GenericArguments.Add(Type(a));
            return g;
        }
        if (!t.IsEnum)
        {
            switch (System.Type.GetTypeCode(t))
            {
                case TypeCode.Boolean: return ts.Boolean;
                case TypeCode.Char: return ts.Char;
                case TypeCode.SByte: return ts.SByte;
                case TypeCode.Byte: return ts.Byte;
                case TypeCode.Int16: return ts.Int16;
                case TypeCode.UInt16: return ts.UInt16;
                case TypeCode.Int32: return ts.Int32;
                case TypeCode.UInt32: return ts.UInt32;
                case TypeCode.Int64: return ts.Int64;
                case TypeCode.UInt64: return ts.UInt64;
                case TypeCode.Single: return ts.Single;
                case TypeCode.Double: return ts.Double;
                case TypeCode.String: return ts.String;
            }
        }
        if (_phaseOne is not null && t.Assembly == _phaseOne)
            return _module.GetType(t.FullName!.Replace('+', '/')) ?? throw new InvalidOperationException($"{t.FullName} is not in the module written");
        if (CarrierCopies.IsCarrier(t)) return _carriers.For(t);
        if (t.Assembly == typeof(object).Assembly) return ByName(t, InteropServicesTypes.Contains(t.FullName!) ? _interop.Value : _runtime);
        if (t.Assembly == typeof(FfiException).Assembly)
            return t.IsVisible ? ByName(t, _core.Value)
                : throw new InvalidOperationException($"generated code may call only public API; {t.FullName} is internal to Ffi.Core");
        throw new InvalidOperationException($"generated code may not use {t.FullName} ({t.Assembly.GetName().Name}): compiled bindings reference only the BCL and Ffi.Core");
    }

    private TypeReference ByName(System.Type t, IMetadataScope scope)
    {
        var r = t.IsNested
            ? new TypeReference("", t.Name, _module, scope, t.IsValueType) { DeclaringType = ByName(t.DeclaringType!, scope) }
            : new TypeReference(t.Namespace, t.Name, _module, scope, t.IsValueType);
        if (t.IsGenericTypeDefinition)
            foreach (var _ in t.GetGenericArguments()) r.GenericParameters.Add(new GenericParameter(r));
        return r;
    }

    /// <summary>The reference for <paramref name="m"/> (a method of a generic type instance through its definition's signature).</summary>
    /// <exception cref="InvalidOperationException">Generated code may not call <paramref name="m"/>.</exception>
    public MethodReference Method(MethodInfo m)
    {
        if (m.IsGenericMethod) throw new InvalidOperationException($"{m.DeclaringType}.{m.Name}: generic methods are not mapped");
        var type = m.DeclaringType!;
        var declaring = Type(type);
        if (!m.IsPublic && (_phaseOne is null || type.Assembly != _phaseOne))
            throw new InvalidOperationException($"generated code may call only public API; {type.FullName}.{m.Name} is not public");
        if (_phaseOne is not null && _phaseOne == type.Assembly)
            return ((TypeDefinition)declaring).Methods.Single(d => d.Name == m.Name && d.Parameters.Count == m.GetParameters().Length);
        // On a generic instance (Span<byte>.GetPinnableReference) the signature is the definition's, in its parameters (!0).
        var open = type.IsConstructedGenericType ? (MethodInfo)m.Module.ResolveMethod(m.MetadataToken)! : m;
        var openDeclaring = declaring is GenericInstanceType gi ? gi.ElementType : declaring;
        var r = new MethodReference(m.Name, Modified(Signature(open.ReturnType, openDeclaring), open.ReturnParameter), declaring) { HasThis = !m.IsStatic };
        foreach (var p in open.GetParameters()) r.Parameters.Add(new ParameterDefinition(Signature(p.ParameterType, openDeclaring)));
        return r;
    }

    /// <summary>The reference for <paramref name="f"/>.</summary>
    /// <exception cref="InvalidOperationException">Generated code may not use <paramref name="f"/>.</exception>
    public FieldReference Field(FieldInfo f)
    {
        var type = f.DeclaringType!;
        var declaring = Type(type);
        if (_phaseOne is not null && type.Assembly == _phaseOne) return ((TypeDefinition)declaring).Fields.Single(d => d.Name == f.Name);
        if (!f.IsPublic) throw new InvalidOperationException($"generated code may use only public API; {type.FullName}.{f.Name} is not public");
        return new FieldReference(f.Name, Type(f.FieldType), declaring);
    }

    // A result's required modifiers are part of the signature a call must name: ReadOnlySpan<T>.GetPinnableReference
    // returns `ref readonly T`, !0& modreq(InAttribute), and a reference without the modreq is a MissingMethodException.
    private TypeReference Modified(TypeReference t, ParameterInfo p)
    {
        foreach (var modifier in p.GetRequiredCustomModifiers()) t = new RequiredModifierType(Type(modifier), t);
        return t;
    }

    // A type in a member's signature: a generic parameter of the declaring type is that type's own (!0), not an argument.
    private TypeReference Signature(System.Type t, TypeReference declaring) =>
        t.IsGenericParameter ? declaring.GenericParameters[t.GenericParameterPosition]
        : t.IsByRef ? new ByReferenceType(Signature(t.GetElementType()!, declaring))
        : t.IsPointer ? new PointerType(Signature(t.GetElementType()!, declaring))
        : Type(t);

    private AssemblyNameReference Reference(AssemblyNameReference r)
    {
        _module.AssemblyReferences.Add(r);
        return r;
    }
}
