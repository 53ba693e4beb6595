using System.Reflection.Emit;

namespace Ffi.Il;

/// <summary>
/// Readable listings of the stubs the engine emits, for debugging and golden tests: while a listener is set on a
/// thread (<see cref="Listen"/>), or when the environment variable <c>FFI_IL_LISTING</c> names a file, every stub
/// emitted (raw stubs, dynamic invokers, typed stubs, trampolines, and compiled bindings' methods written through the
/// Cecil sink) is also written through an <see cref="IlListing"/>
/// and its listing handed over (or appended to the file) under the stub's name.
/// </summary>
internal static class StubListings
{
    private static readonly string? FilePath = Environment.GetEnvironmentVariable("FFI_IL_LISTING");
    private static readonly Lock FileLock = new();

    [ThreadStatic] private static Action<string, string>? t_listener;

    /// <summary>Hands every stub this thread emits to <paramref name="listener"/> (name, listing) until disposed.</summary>
    public static IDisposable Listen(Action<string, string> listener)
    {
        var previous = t_listener;
        t_listener = listener;
        return new Restore(previous);
    }

    /// <summary>The writer for a stub's generator: recording when someone listens.</summary>
    public static IlWriter For(ILGenerator il) => For(new GeneratorWriter(il));

    /// <summary>The writer for a stub written through <paramref name="writer"/> (any sink): recording when someone listens.</summary>
    public static IlWriter For(IlWriter writer) => t_listener is null && FilePath is null ? writer : new IlListing(writer);

    /// <summary>After emission: hands over the listing of <paramref name="il"/>, if it recorded one.</summary>
    public static void Done(string name, IlWriter il)
    {
        if (il is not IlListing listing) return;
        var text = listing.ToString();
        t_listener?.Invoke(name, text);
        if (FilePath is null) return;
        lock (FileLock) File.AppendAllText(FilePath, $"// {name}\n{text}\n\n");
    }

    private sealed class Restore(Action<string, string>? previous) : IDisposable
    {
        public void Dispose() => t_listener = previous;
    }
}
