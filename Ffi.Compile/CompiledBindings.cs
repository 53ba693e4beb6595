namespace Ffi.Compile;

/// <summary>What <see cref="BindingCompiler.Compile"/> produced: the assembly's bytes and its XML documentation file.</summary>
public sealed class CompiledBindings
{
    internal CompiledBindings(string assemblyName, byte[] assembly, string xmlDoc)
    {
        AssemblyName = assemblyName;
        Assembly = assembly;
        XmlDoc = xmlDoc;
    }

    /// <summary>The assembly's simple name; its files are <c>NAME.dll</c> and <c>NAME.xml</c>.</summary>
    public string AssemblyName { get; }

    /// <summary>The assembly (a PE file). The same spec and options give the same bytes.</summary>
    public byte[] Assembly { get; }

    /// <summary>The XML documentation file's text.</summary>
    public string XmlDoc { get; }

    /// <summary>Writes <c>NAME.dll</c> and <c>NAME.xml</c> into <paramref name="directory"/> (created if missing).</summary>
    /// <param name="directory">The output directory.</param>
    /// <returns>The path of the written assembly.</returns>
    /// <exception cref="IOException">A file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory may not be written.</exception>
    public string WriteTo(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var dll = Path.Combine(directory, AssemblyName + ".dll");
        File.WriteAllBytes(dll, Assembly);
        File.WriteAllText(Path.Combine(directory, AssemblyName + ".xml"), XmlDoc);
        return dll;
    }
}
