using System.Reflection;
using System.Runtime.Loader;
using Mono.Cecil;

namespace Ffi.Compile.FunctionEmit;

/// <summary>
/// The first-phase assembly (the spec's types and the bindings class without its methods), loaded into a collectible
/// load context, so that the engine's emitters — which take <see cref="System.Type"/>s — get real types for generated
/// structs, enums and handles; <see cref="Il.CecilOperands"/> maps them back to the definitions being written.
/// Unloaded on dispose.
/// </summary>
internal sealed class LoadedTypes : IDisposable
{
    private readonly AssemblyLoadContext _context;

    public LoadedTypes(byte[] assembly)
    {
        _context = new AssemblyLoadContext("ffi-compile-phase-one", isCollectible: true);
        Assembly = _context.LoadFromStream(new MemoryStream(assembly));
    }

    /// <summary>The loaded first-phase assembly.</summary>
    public Assembly Assembly { get; }

    /// <summary>The loaded type standing for <paramref name="r"/> (a generated type, a primitive, a pointer to one).</summary>
    public System.Type ToClr(TypeReference r) => r switch
    {
        Mono.Cecil.PointerType p => ToClr(p.ElementType).MakePointerType(),
        TypeDefinition d => Assembly.GetType(d.FullName.Replace('/', '+'), throwOnError: true)!,
        _ => r.MetadataType switch
        {
            MetadataType.Void => typeof(void),
            MetadataType.Boolean => typeof(bool),
            MetadataType.SByte => typeof(sbyte),
            MetadataType.Byte => typeof(byte),
            MetadataType.Int16 => typeof(short),
            MetadataType.UInt16 => typeof(ushort),
            MetadataType.Int32 => typeof(int),
            MetadataType.UInt32 => typeof(uint),
            MetadataType.Int64 => typeof(long),
            MetadataType.UInt64 => typeof(ulong),
            MetadataType.Single => typeof(float),
            MetadataType.Double => typeof(double),
            MetadataType.IntPtr => typeof(nint),
            MetadataType.UIntPtr => typeof(nuint),
            MetadataType.String => typeof(string),
            _ => throw new InvalidOperationException($"{r.FullName} has no loaded counterpart"),
        },
    };

    public void Dispose() => _context.Unload();
}
