namespace System.Runtime.CompilerServices;

/// <summary>
/// Read by the runtime on a dynamic assembly: code in it may use the non-public types and members of the named
/// assembly. The trampoline assemblies carry it for the engine and for the assemblies of user delegate and struct
/// types (which may be internal). The runtime matches the attribute by name; it is not part of the framework's
/// reference assemblies, so it is declared here.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
internal sealed class IgnoresAccessChecksToAttribute(string assemblyName) : Attribute
{
    /// <summary>The simple name of the assembly whose access checks are skipped.</summary>
    public string AssemblyName { get; } = assemblyName;
}
