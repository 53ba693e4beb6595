namespace Ffi;

/// <summary>A library could not be loaded or a symbol was not found in it.</summary>
public sealed class FfiBindException : FfiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="library">The library concerned.</param>
    /// <param name="symbol">The symbol concerned, or <see langword="null"/> when the library itself failed to load.</param>
    /// <param name="message">What went wrong, naming library and symbol.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public FfiBindException(string library, string? symbol, string message, Exception? inner = null) : base(message, inner)
    {
        Library = library;
        Symbol = symbol;
    }

    /// <summary>The library concerned.</summary>
    public string Library { get; }

    /// <summary>The symbol concerned, or <see langword="null"/>.</summary>
    public string? Symbol { get; }
}
