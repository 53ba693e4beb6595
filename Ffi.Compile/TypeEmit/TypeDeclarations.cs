using Ffi.Spec;
using Ffi.Types;
using Mono.Cecil;
using ArrayType = Ffi.Types.ArrayType;
using PointerType = Ffi.Types.PointerType;

namespace Ffi.Compile.TypeEmit;

/// <summary>
/// Defines a type for every named struct, union, enum, handle, array and function pointer of a spec, in spec order,
/// before any member is filled in, so members may name any of them (a struct pointing at a later one, or at itself).
/// Arrays come once every struct is known (their element may be declared later), delegates last (their signatures
/// name the rest). Aliases define nothing (C# has no typedef: a member of an alias's type gets the target's type),
/// nor do named scalars and pointers (a member gets the CLR scalar or pointer).
/// </summary>
internal static class TypeDeclarations
{
    public static void DefineAll(GeneratedTypes g, FfiSpec spec)
    {
        var seen = new HashSet<CType>(ReferenceEqualityComparer.Instance);
        var named = new List<(string Name, CType Type, string Path)>();
        foreach (var name in spec.Types.Names)
            if (!spec.Types.IsAlias(name) && spec.Types[name] is var c && seen.Add(c))
                named.Add((name, c, $"types.{name}"));

        foreach (var (name, c, path) in named)
        {
            var clr = ClrNames.Identifier(name);
            switch (c)
            {
                case AggregateType { Size: 0 } a:
                    throw new FfiCompileException(path, $"an empty {Kind(a)} (0 bytes, a gcc extension) has no CLR value type: the smallest has 1 byte. Declare it as a handle if C only passes pointers to it");
                case AggregateType a:
                    var t = g.DefineTop(clr, path, TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.BeforeFieldInit | TypeAttributes.ExplicitLayout,
                        g.Bcl.ValueType);
                    g.Register(a, t);
                    g.QueueAggregate(t, a, path);
                    g.Docs.Type(t, DocFile.Summary(a.Doc, $"C {Kind(a)} <c>{GeneratedTypes.Xml(name)}</c>: {a.Size} bytes, aligned {a.Align}, laid out as gcc lays it out."));
                    break;
                case EnumType e:
                    g.Register(e, EnumEmitter.Define(g, e, clr, path));
                    break;
                case HandleType h:
                    g.Register(h, HandleEmitter.Define(g, h, clr, path));
                    break;
                case ArrayType { Length: > 0 } a:
                    // A named array without elements gets no type: a member of it has no bytes, a pointer to it is its element's.
                    g.DeclareNamedArray(a, clr, path);
                    break;
            }
        }
        foreach (var (_, c, path) in named)
            if (c is ArrayType { Length: > 0 } a) g.ValueOf(a, new Place(path));
        foreach (var (name, c, path) in named)
            if (c is FuncPtrType f) g.Register(f, DelegateEmitter.Define(g, f, ClrNames.Identifier(name), path));
    }

    private static string Kind(AggregateType a) => a is UnionType ? "union" : "struct";
}
