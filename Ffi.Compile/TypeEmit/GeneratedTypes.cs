using Ffi.Types;
using Mono.Cecil;
using ArrayType = Ffi.Types.ArrayType;
using PointerType = Ffi.Types.PointerType;

namespace Ffi.Compile.TypeEmit;

/// <summary>
/// The CLR types of one generated assembly and the rule that maps a C type to one of them, for a struct member, an
/// array element or a delegate parameter:
/// <code>
/// int8…uint64, bool, float, double   → sbyte…ulong, bool, float, double
/// named enum / handle / struct / union / array → its generated type (an inline enum: its base integer;
///                                                 an inline handle: its representation)
/// inline struct or union member      → a type nested in the holder, named member + "_t"
/// inline array T[N]                  → a shared [InlineArray(N)] struct named Elem_N (Int32_4, point_2)
/// T* (T representable)               → T* (void*, and void* for a function pointer or an empty struct pointee)
/// function pointer                   → nint (a delegate is managed: it cannot sit in a blittable struct)
/// </code>
/// Inside an inline array a pointer is <c>nint</c>: C# cannot index an inline array of pointers.
/// </summary>
internal sealed class GeneratedTypes
{
    private readonly Dictionary<CType, TypeDefinition> _named = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<CType, TypeDefinition> _inline = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, TypeDefinition> _arrays = new(StringComparer.Ordinal);
    private readonly Dictionary<TypeReference, int> _align = new(ReferenceEqualityComparer.Instance);
    private readonly List<TypeDefinition> _aggregateOrder = [];
    private readonly Dictionary<TypeDefinition, (AggregateType C, string Path)> _unfilled = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<TypeDefinition, NameScope> _memberScopes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<CType, (string ClrName, string Path)> _declaredArrays = new(ReferenceEqualityComparer.Instance);
    private readonly NameScope _namespaceScope;

    public GeneratedTypes(ModuleDefinition module, string ns, DocFile docs)
    {
        Module = module;
        Bcl = new BclReferences(module);
        Namespace = ns;
        Docs = docs;
        _namespaceScope = new NameScope($"namespace {ns}");
    }

    public ModuleDefinition Module { get; }

    public BclReferences Bcl { get; }

    public string Namespace { get; }

    public DocFile Docs { get; }

    /// <summary>Defines a top-level type for a spec name (its CLR name claimed in the namespace) and adds it to the module.</summary>
    public TypeDefinition DefineTop(string clrName, string owner, TypeAttributes attributes, TypeReference baseType)
    {
        _namespaceScope.Claim(clrName, owner);
        var t = new TypeDefinition(Namespace, clrName, attributes, baseType);
        Module.Types.Add(t);
        return t;
    }

    /// <summary>The member names of a generated type (fields, properties and nested types share one scope in C#).</summary>
    public NameScope MembersOf(TypeDefinition t)
    {
        if (!_memberScopes.TryGetValue(t, out var scope)) _memberScopes.Add(t, scope = new NameScope($"type {t.Name}"));
        return scope;
    }

    /// <summary>Records the generated type of a named C type, before any member refers to it (members may refer to it out of order).</summary>
    public void Register(CType c, TypeDefinition t) => _named.Add(c, t);

    /// <summary>The delegate type of a named function pointer type, or null (an inline one has none).</summary>
    public TypeDefinition? DelegateOf(FuncPtrType f) => _named.TryGetValue(f, out var t) ? t : null;

    /// <summary>Queues an aggregate whose members are filled once every named type is defined.</summary>
    public void QueueAggregate(TypeDefinition t, AggregateType c, string path)
    {
        _aggregateOrder.Add(t);
        _unfilled.Add(t, (c, path));
    }

    /// <summary>Fills the queued aggregates, including inline ones queued while filling.</summary>
    public void FillAggregates()
    {
        for (int i = 0; i < _aggregateOrder.Count; i++) Fill(_aggregateOrder[i]);
    }

    // A struct held by value is filled before its holder needs its alignment (C allows no cycle by value).
    private void Fill(TypeDefinition t)
    {
        if (!_unfilled.Remove(t, out var pending)) return;
        AggregateEmitter.Fill(this, t, pending.C, pending.Path);
    }

    /// <summary>The CLR alignment the runtime gives a field of this type (what an explicit layout's packing check needs).</summary>
    public int AlignOf(TypeReference t)
    {
        if (t.IsPointer || t.MetadataType is MetadataType.IntPtr or MetadataType.UIntPtr) return 8;
        if (t is TypeDefinition d) Fill(d);
        if (_align.TryGetValue(t, out int a)) return a;
        return t.MetadataType switch
        {
            MetadataType.Boolean or MetadataType.SByte or MetadataType.Byte => 1,
            MetadataType.Int16 or MetadataType.UInt16 => 2,
            MetadataType.Int32 or MetadataType.UInt32 or MetadataType.Single => 4,
            MetadataType.Int64 or MetadataType.UInt64 or MetadataType.Double => 8,
            _ => throw new InvalidOperationException($"no alignment recorded for {t.FullName}"),
        };
    }

    /// <summary>Records the CLR alignment of a generated type.</summary>
    public void SetAlign(TypeReference t, int align) => _align[t] = align;

    /// <summary>The CLR type of an integer of this width and signedness (<c>bool</c> for C <c>_Bool</c>).</summary>
    public TypeReference Integer(IntType i) => i.IsBool ? Module.TypeSystem.Boolean : (i.Bits, i.IsSigned) switch
    {
        (8, true) => Module.TypeSystem.SByte, (8, false) => Module.TypeSystem.Byte,
        (16, true) => Module.TypeSystem.Int16, (16, false) => Module.TypeSystem.UInt16,
        (32, true) => Module.TypeSystem.Int32, (32, false) => Module.TypeSystem.UInt32,
        (64, true) => Module.TypeSystem.Int64, _ => Module.TypeSystem.UInt64,
    };

    /// <summary>The CLR type standing for a value of C type <paramref name="c"/> at <paramref name="at"/>.</summary>
    /// <exception cref="FfiCompileException">No CLR value type can stand for it (void, a flexible array, an empty struct).</exception>
    public TypeReference ValueOf(CType c, Place at) => c switch
    {
        IntType i => Integer(i),
        FloatType f => f.Bits == 32 ? Module.TypeSystem.Single : Module.TypeSystem.Double,
        EnumType e => _named.TryGetValue(e, out var t) ? t : Integer(e.Base),
        PointerType p => PointerTo(p.Pointee, at),
        FuncPtrType => Module.TypeSystem.IntPtr,
        HandleType h => _named.TryGetValue(h, out var t) ? t : ValueOf(h.Rep, at),
        AggregateType a when a.Size == 0 => throw Empty(a, at),
        AggregateType a => _named.TryGetValue(a, out var t) ? t : InlineAggregate(a, at),
        ArrayType a => _named.TryGetValue(a, out var t) ? t : _declaredArrays.Remove(a, out var d) ? DefineNamedArray(a, d.ClrName, d.Path) : InlineArray(a, at),
        _ => throw new FfiCompileException(at.Path, $"{c.DisplayName} has no CLR value type"),
    };

    /// <summary>The CLR return type of a delegate: <c>void</c> for C <c>void</c>, otherwise as <see cref="ValueOf"/>.</summary>
    public TypeReference ReturnOf(CType c, Place at) => c is VoidType ? Module.TypeSystem.Void : ValueOf(c, at);

    private static FfiCompileException Empty(CType c, Place at) =>
        new(at.Path, $"{c.DisplayName} is an empty {(c.Kind == CTypeKind.Union ? "union" : "struct")} of 0 bytes (a gcc extension); no CLR value type has 0 bytes (the smallest has 1), so it cannot be a value here");

    private TypeReference PointerTo(CType pointee, Place at)
    {
        // What a pointer points to needs no CLR value of its own when it cannot be one: such pointers are void*.
        if (pointee is VoidType or FuncPtrType || pointee.IsAggregate && pointee.Size == 0 && pointee is not ArrayType { IsFlexible: true })
            return new Mono.Cecil.PointerType(Module.TypeSystem.Void);
        if (pointee is ArrayType { IsFlexible: true } flex) return PointerTo(flex.Element, at);
        return new Mono.Cecil.PointerType(ValueOf(pointee, at.Inner("*")));
    }

    // struct { struct { short s; double d; } in; }: the member's type, nested in its holder as "in_t".
    private TypeDefinition InlineAggregate(AggregateType a, Place at)
    {
        if (_inline.TryGetValue(a, out var made)) return made;
        if (at.Enclosing is null || at.MemberName is null)
            throw new FfiCompileException(at.Path, $"an inline {a.DisplayName} is only compiled as a member of a struct or union; name it in the spec's types");
        var t = new TypeDefinition("", at.MemberName + "_t", TypeAttributes.NestedPublic | TypeAttributes.Sealed | TypeAttributes.BeforeFieldInit
            | TypeAttributes.ExplicitLayout, Bcl.ValueType);
        MembersOf(at.Enclosing).Claim(t.Name, at.Path + " (its inline type)");
        at.Enclosing.NestedTypes.Add(t);
        _inline.Add(a, t);
        Docs.Type(t, $"The inline {a.Kind.ToString().ToLowerInvariant()} type of <c>{Xml(at.Path)}</c> ({a.Size} bytes, aligned {a.Align}).");
        QueueAggregate(t, a, at.Path);
        return t;
    }

    /// <summary>
    /// The inline array type for <paramref name="a"/>: its spec name when named, otherwise shared by element type and
    /// length (<c>Int32_4</c>).
    /// </summary>
    private TypeDefinition InlineArray(ArrayType a, Place at)
    {
        if (a.Length is not > 0)
            throw new FfiCompileException(at.Path, $"{a.DisplayName} has no elements; an inline array needs at least one");
        var element = ElementOf(a.Element, at.Inner("[]"));
        var key = element.FullName + "[" + a.Length + "]";
        if (_arrays.TryGetValue(key, out var made)) return made;
        var t = DefineInlineArray(ElementName(element) + "_" + a.Length, at.Path, element, a.Length.Value,
            $"<c>{Xml(a.DisplayName)}</c>: {a.Length} elements of <c>{Xml(element.Name)}</c>, indexed as a C array (an inline array).");
        _arrays.Add(key, t);
        return t;
    }

    /// <summary>
    /// Declares a named array: its type is defined at its first use, or when <see cref="ValueOf"/> is asked for it,
    /// since its element may be a named array declared later in the spec.
    /// </summary>
    public void DeclareNamedArray(ArrayType a, string clrName, string path) => _declaredArrays.Add(a, (clrName, path));

    // The inline array type of a named array, under its spec name.
    private TypeDefinition DefineNamedArray(ArrayType a, string clrName, string path)
    {
        if (a.Length is not > 0)
            throw new FfiCompileException(path, $"{a.DisplayName} has no elements; an inline array needs at least one");
        var element = ElementOf(a.Element, new Place(path + "[]"));
        var t = DefineInlineArray(clrName, path, element, a.Length.Value, DocFile.Summary(a.Doc, $"<c>{Xml(a.DisplayName)}</c>: {a.Length} elements, indexed as a C array (an inline array)."));
        _named.Add(a, t);
        return t;
    }

    // Pointers inside an inline array are nint: C# indexes an inline array through Span<T>, which takes no pointer T.
    private TypeReference ElementOf(CType element, Place at) =>
        element is PointerType ? Module.TypeSystem.IntPtr : ValueOf(element, at);

    private static string ElementName(TypeReference t) => t.IsPointer ? ElementName(((Mono.Cecil.PointerType)t).ElementType) + "Ptr" : t.Name;

    // [InlineArray(N)] struct Name { private T _element0; } — sequential and without .size, as the loader demands.
    private TypeDefinition DefineInlineArray(string clrName, string path, TypeReference element, long length, string doc)
    {
        if (length > int.MaxValue) throw new FfiCompileException(path, $"{length} elements is more than an inline array holds ({int.MaxValue})");
        var t = DefineTop(clrName, path, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.BeforeFieldInit | TypeAttributes.SequentialLayout,
            Bcl.ValueType);
        var attr = new CustomAttribute(Bcl.InlineArrayAttributeCtor);
        attr.ConstructorArguments.Add(new CustomAttributeArgument(Module.TypeSystem.Int32, (int)length));
        t.CustomAttributes.Add(attr);
        t.Fields.Add(new FieldDefinition("_element0", FieldAttributes.Private, element));
        SetAlign(t, AlignOf(element));
        Docs.Type(t, doc);
        return t;
    }

    /// <summary>Escapes text for the XML doc file.</summary>
    public static string Xml(string s) => System.Security.SecurityElement.Escape(s);
}
