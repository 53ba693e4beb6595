using System.Runtime.CompilerServices;

namespace Ffi;

/// <summary>
/// The runtime path's one requirement that NativeAOT cannot meet: it emits stubs and trampolines (DynamicMethod,
/// AssemblyBuilder) as functions are first used. Its entry points carry <see cref="System.Diagnostics.CodeAnalysis.RequiresDynamicCodeAttribute"/>
/// with <see cref="Message"/>, so an app's AOT analyzer reports them at build time (IL3050), and they refuse with an
/// <see cref="FfiDynamicCodeException"/> at run time, before anything is loaded, instead of a
/// <see cref="PlatformNotSupportedException"/> deep inside the first call.
/// </summary>
internal static class DynamicCode
{
    /// <summary>
    /// What every attribute (<c>RequiresDynamicCode</c>, and <c>RequiresUnreferencedCode</c> where delegate and struct
    /// types are read by reflection) and the exception say: why, and the alternative.
    /// </summary>
    internal const string Message = "Ffi.Emit generates code at run time; under NativeAOT use compiled bindings " +
        "(`ffi compile SPEC` or an <FfiBinding> item, see docs/aot.md)";

    /// <summary>Throws unless this process can generate code (a NativeAOT app cannot; the JIT can be told not to).</summary>
    /// <exception cref="FfiDynamicCodeException">It cannot.</exception>
    internal static void EnsureSupported(string operation)
    {
        // A feature check the AOT compiler folds to a constant: under NativeAOT everything after it in Open is removed.
        if (!RuntimeFeature.IsDynamicCodeSupported) throw new FfiDynamicCodeException(operation, Message + ".");
    }
}
