namespace Ffi;

/// <summary>
/// The base of every error the engine reports. Catch this to handle any engine failure;
/// catch a subclass (such as <see cref="FfiSpecException"/>) to handle one kind.
/// </summary>
public abstract class FfiException : Exception
{
    /// <summary>Creates the exception with a message that names what failed and where.</summary>
    protected FfiException(string message, Exception? inner = null) : base(message, inner) { }
}
