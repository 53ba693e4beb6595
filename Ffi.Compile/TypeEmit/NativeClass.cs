using Ffi.Spec;
using Mono.Cecil;

namespace Ffi.Compile.TypeEmit;

/// <summary>
/// The static class named by <c>--class</c>: the library name and the spec's <c>"constants"</c> (the values of C's
/// <c>#define</c>s), as constants C# can use in a <c>switch</c>:
/// <code>static class Native { public const string Library = "libz.so.1"; public const long Z_OK = 0; … }</code>
/// </summary>
internal static class NativeClass
{
    public static TypeDefinition Define(GeneratedTypes g, FfiSpec spec, string className)
    {
        var ts = g.Module.TypeSystem;
        var t = g.DefineTop(className, "--class", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.BeforeFieldInit,
            ts.Object);
        g.Docs.Type(t, $"The bindings of <c>{GeneratedTypes.Xml(spec.Lib)}</c>: its name, the spec's constants and its functions.");
        var scope = g.MembersOf(t);
        const FieldAttributes Const = FieldAttributes.Public | FieldAttributes.Static | FieldAttributes.Literal | FieldAttributes.HasDefault;
        var lib = new FieldDefinition(scope.Claim("Library", "lib"), Const, ts.String) { Constant = spec.Lib };
        t.Fields.Add(lib);
        g.Docs.Field(lib, "The library the spec binds (its <c>\"lib\"</c>), as dlopen takes it.");
        foreach (var (name, value) in spec.Constants)
        {
            var field = new FieldDefinition(scope.Claim(ClrNames.Member(name, className), $"constants.{name}"), Const, ts.Int64) { Constant = value };
            t.Fields.Add(field);
            g.Docs.Field(field, $"C constant <c>{GeneratedTypes.Xml(name)}</c> = {value}.");
        }
        return t;
    }
}
