namespace Ffi.Abi;

/// <summary>Where an eightbyte travels: a named register, or an offset in the outgoing stack area.</summary>
/// <param name="Register">The register (<c>rdi</c>, <c>xmm0</c>, <c>rax</c>…), or <see langword="null"/> on the stack.</param>
/// <param name="StackOffset">Bytes from the stack pointer at the call, when on the stack.</param>
public readonly record struct Location(string? Register, long StackOffset)
{
    /// <summary>A register location.</summary>
    public static Location In(string register) => new(register, 0);

    /// <summary>A stack location.</summary>
    public static Location Stack(long offset) => new(null, offset);

    /// <summary>Whether this is a stack location.</summary>
    public bool IsStack => Register is null;

    /// <inheritdoc />
    public override string ToString() => Register ?? $"stack+{StackOffset}";
}
