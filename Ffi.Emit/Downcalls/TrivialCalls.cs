using System.Collections.Concurrent;
using System.Reflection.Emit;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Ffi.Downcalls;

/// <summary>
/// P/Invoke methods with <see cref="SuppressGCTransitionAttribute"/> for functions declared <c>"trivial": true</c>:
/// the JIT calls them without the GC transition (the cheapest native call .NET has). Each method binds, through a
/// DllImport resolver, to the library handle the module already loaded, and to the function's own symbol.
/// </summary>
internal static class TrivialCalls
{
    private static readonly AssemblyBuilder Assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("Ffi.Emit.TrivialCalls"), AssemblyBuilderAccess.Run);
    private static readonly ModuleBuilder Module = Assembly.DefineDynamicModule("Ffi.Emit.TrivialCalls");
    private static readonly ConcurrentDictionary<string, nint> Libraries = new(StringComparer.Ordinal);
    private static readonly Lock DefineLock = new();
    private static int _count;
    private static bool _resolverSet;

    /// <summary>Defines <c>static ret Call(params)</c> as a P/Invoke of <paramref name="symbol"/> in the library behind <paramref name="libraryHandle"/>.</summary>
    public static MethodInfo Define(nint libraryHandle, string symbol, Type returnType, Type[] parameterTypes)
    {
        lock (DefineLock)
        {
            int id = ++_count;
            string key = $"ffi-trivial-{id}";
            Libraries[key] = libraryHandle;
            var type = Module.DefineType($"Trivial{id}", TypeAttributes.Public | TypeAttributes.Sealed | TypeAttributes.Abstract | TypeAttributes.Class);
            var method = type.DefinePInvokeMethod("Call", key, symbol, MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.PinvokeImpl,
                CallingConventions.Standard, returnType, parameterTypes, CallingConvention.Cdecl, CharSet.Ansi);
            method.SetImplementationFlags(MethodImplAttributes.PreserveSig);
            method.SetCustomAttribute(new CustomAttributeBuilder(typeof(SuppressGCTransitionAttribute).GetConstructor(Type.EmptyTypes)!, []));
            var created = type.CreateType();
            if (!_resolverSet)
            {
                NativeLibrary.SetDllImportResolver(created.Assembly, static (name, _, _) => Libraries.TryGetValue(name, out var h) ? h : 0);
                _resolverSet = true;
            }
            return created.GetMethod("Call")!;
        }
    }
}
