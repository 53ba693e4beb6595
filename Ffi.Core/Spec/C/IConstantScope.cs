namespace Ffi.Spec.C;

/// <summary>What a constant expression needs from its surroundings: names and types.</summary>
internal interface IConstantScope
{
    /// <summary>Whether <c>defined NAME</c> is allowed and unknown names are 0 (a <c>#if</c>).</summary>
    bool IsPreprocessor { get; }

    /// <summary>The value of an enum constant or integer macro.</summary>
    bool TryGetConstant(string name, out CInteger value);

    /// <summary>Whether a macro of this name is defined (<c>defined NAME</c>).</summary>
    bool IsDefined(string name);

    /// <summary>Whether <paramref name="t"/> starts a type name (after <c>(</c> in a cast or <c>sizeof</c>).</summary>
    bool StartsTypeName(CToken t);

    /// <summary>Reads a type name and tells its size, alignment and integer shape.</summary>
    CTypeFacts ReadTypeName(CTokenCursor cursor);
}

/// <summary>What a constant expression can know of a type: <c>sizeof</c>, <c>_Alignof</c>, and how a cast to it truncates.</summary>
/// <param name="Size">The size in bytes.</param>
/// <param name="Align">The alignment in bytes.</param>
/// <param name="IntBits">For an integer, enum or pointer type: its width; null for others (floating, aggregates).</param>
/// <param name="Signed">Whether the integer type is signed.</param>
internal readonly record struct CTypeFacts(long Size, int Align, int? IntBits, bool Signed);
