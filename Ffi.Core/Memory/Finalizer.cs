namespace Ffi.Memory;

/// <summary>
/// What releases a block of native memory (the original's <c>gc(ptr, finalizer)</c>):
/// nothing, C <c>free</c>, or a C function <c>void f(void*)</c> found by symbol name.
/// </summary>
public sealed record Finalizer
{
    private Finalizer(FinalizerKind kind, string? symbol, string? library)
    {
        Kind = kind;
        Symbol = symbol;
        Library = library;
    }

    /// <summary>Detach: no finalizer.</summary>
    public static Finalizer None { get; } = new(FinalizerKind.None, null, null);

    /// <summary>Release with C <c>free</c>.</summary>
    public static Finalizer Free { get; } = new(FinalizerKind.Free, null, null);

    /// <summary>Release by calling <c>void symbol(void*)</c> from <paramref name="library"/> (default: the module's library).</summary>
    /// <param name="symbol">The C function, e.g. <c>sqlite3_close</c> or <c>fclose</c>.</param>
    /// <param name="library">The library holding it; <see langword="null"/> for the module's own library.</param>
    public static Finalizer Function(string symbol, string? library = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(symbol);
        return new(FinalizerKind.Symbol, symbol, library);
    }

    /// <summary>Which kind of finalizer this is.</summary>
    public FinalizerKind Kind { get; }

    /// <summary>For <see cref="FinalizerKind.Symbol"/>: the C function's name.</summary>
    public string? Symbol { get; }

    /// <summary>For <see cref="FinalizerKind.Symbol"/>: the library, or <see langword="null"/> for the module's.</summary>
    public string? Library { get; }
}

/// <summary>The kinds of <see cref="Finalizer"/>.</summary>
public enum FinalizerKind
{
    /// <summary>No finalizer.</summary>
    None,
    /// <summary>C <c>free</c>.</summary>
    Free,
    /// <summary>A C function <c>void f(void*)</c>.</summary>
    Symbol,
}
