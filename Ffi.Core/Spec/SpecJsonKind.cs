namespace Ffi.Spec;

/// <summary>
/// The kind of a <see cref="SpecJson"/> value, with <see cref="System.Text.Json.JsonValueKind"/>'s names and values. Its
/// own type, so that reading a plain spec never loads <c>System.Text.Json</c> (docs/benchmarks.md, cold start).
/// </summary>
internal enum SpecJsonKind : byte
{
    /// <summary>No value.</summary>
    Undefined,

    /// <summary>An object.</summary>
    Object,

    /// <summary>An array.</summary>
    Array,

    /// <summary>A string.</summary>
    String,

    /// <summary>A number.</summary>
    Number,

    /// <summary><c>true</c>.</summary>
    True,

    /// <summary><c>false</c>.</summary>
    False,

    /// <summary><c>null</c>.</summary>
    Null,
}
