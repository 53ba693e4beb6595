namespace Ffi.Spec.C;

/// <summary>The value of an integer constant expression: 64 bits and whether C treats them as unsigned.</summary>
internal readonly record struct CInteger(long Value, bool Unsigned)
{
    public bool IsTrue => Value != 0;

    public static CInteger Bool(bool b) => new(b ? 1 : 0, false);
}
