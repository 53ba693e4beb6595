using Mono.Cecil;

namespace Ffi.Compile;

/// <summary>
/// The BCL types the generated assembly uses, referenced by name in <c>System.Runtime</c> (the reference assembly
/// users compile against), never through <c>ImportReference(typeof(X))</c>, which would name
/// <c>System.Private.CoreLib</c> and break the user's build (<c>CS0012</c>). The module's type system takes the
/// same reference as its core library, so primitives (<c>int</c>, <c>nint</c>…) resolve there too.
/// </summary>
internal sealed class BclReferences
{
    // b03f5f7f11d50a3a: the key token of the framework's reference assemblies.
    private static readonly byte[] FrameworkKeyToken = [0xb0, 0x3f, 0x5f, 0x7f, 0x11, 0xd5, 0x0a, 0x3a];

    private readonly ModuleDefinition _module;
    private readonly AssemblyNameReference _runtime;

    /// <summary>Adds the <c>System.Runtime</c> reference; must run before the first use of <c>module.TypeSystem</c>.</summary>
    public BclReferences(ModuleDefinition module)
    {
        _module = module;
        _runtime = new AssemblyNameReference("System.Runtime", new Version(10, 0, 0, 0)) { PublicKeyToken = FrameworkKeyToken };
        module.AssemblyReferences.Add(_runtime);
        ValueType = Type("System", "ValueType");
        Enum = Type("System", "Enum");
        MulticastDelegate = Type("System", "MulticastDelegate");
        IEquatable = Type("System", "IEquatable`1");
        IEquatable.GenericParameters.Add(new GenericParameter(IEquatable));
        InlineArrayAttributeCtor = Ctor(Type("System.Runtime.CompilerServices", "InlineArrayAttribute"), module.TypeSystem.Int32);
        IsReadOnlyAttributeCtor = Ctor(Type("System.Runtime.CompilerServices", "IsReadOnlyAttribute"));
        ObjectGetHashCode = new MethodReference("GetHashCode", module.TypeSystem.Int32, module.TypeSystem.Object) { HasThis = true };
    }

    /// <summary><c>System.ValueType</c>, the base of structs.</summary>
    public TypeReference ValueType { get; }

    /// <summary><c>System.Enum</c>, the base of enums.</summary>
    public TypeReference Enum { get; }

    /// <summary><c>System.MulticastDelegate</c>, the base of delegates.</summary>
    public TypeReference MulticastDelegate { get; }

    /// <summary>The open generic <c>System.IEquatable`1</c>.</summary>
    public TypeReference IEquatable { get; }

    /// <summary><c>InlineArrayAttribute(int)</c>.</summary>
    public MethodReference InlineArrayAttributeCtor { get; }

    /// <summary><c>IsReadOnlyAttribute()</c>: marks a <c>readonly struct</c>.</summary>
    public MethodReference IsReadOnlyAttributeCtor { get; }

    /// <summary><c>object.GetHashCode()</c>, called constrained on a primitive.</summary>
    public MethodReference ObjectGetHashCode { get; }

    /// <summary>Every type this table names, for the test that checks each against the reference pack.</summary>
    public IEnumerable<TypeReference> All => [ValueType, Enum, MulticastDelegate, IEquatable,
        InlineArrayAttributeCtor.DeclaringType, IsReadOnlyAttributeCtor.DeclaringType];

    /// <summary><c>IEquatable&lt;T&gt;</c> for a generated type.</summary>
    public GenericInstanceType EquatableOf(TypeReference t)
    {
        var g = new GenericInstanceType(IEquatable);
        g.GenericArguments.Add(t);
        return g;
    }

    private TypeReference Type(string ns, string name) => new(ns, name, _module, _runtime, valueType: false);

    private MethodReference Ctor(TypeReference type, params TypeReference[] parameters)
    {
        var r = new MethodReference(".ctor", _module.TypeSystem.Void, type) { HasThis = true };
        foreach (var p in parameters) r.Parameters.Add(new ParameterDefinition(p));
        return r;
    }
}
