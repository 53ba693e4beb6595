namespace Ffi.Compile;

/// <summary>
/// A spec cannot be compiled into an assembly: a type has no CLR counterpart (an empty struct, a variadic function
/// pointer type), a function passes such a type, two spec names become the same CLR name, or an option is not a valid
/// CLR name.
/// </summary>
/// <remarks>
/// The message is <see cref="Subject"/>, a colon and <see cref="Reason"/>, e.g.
/// <c>types.empty: an empty struct (0 bytes, a gcc extension) has no CLR value type: …</c>. The subject is one of:
/// <list type="bullet">
/// <item>a JSON path into the spec: <c>types.NAME</c>, <c>types.NAME.fields[i]</c> (<c>.fields[j]</c> again for a member
/// of an anonymous struct or union member; <c>[]</c> for an array's element and <c>*</c> for a pointee may follow:
/// <c>types.NAME.fields[2][]</c>), <c>types.NAME.values.CONSTANT</c>, <c>types.NAME.params[i]</c> and
/// <c>types.NAME.ret</c> (a function pointer type), <c>functions.NAME</c>, <c>functions.NAME.params[i]</c>,
/// <c>functions.NAME.ret</c>, <c>variables.NAME</c>, <c>constants.NAME</c>;</item>
/// <item>for a name clash, the path of the later name, perhaps followed by a note in parentheses:
/// <c>types.point.fields[1] (y)</c> (the field's name), <c>types.NAME.fields[i] (its inline type)</c>; or a member the
/// compiler adds itself, in words
/// (<c>the capability gate of compiled bindings</c>, <c>the callback registrations of compiled bindings</c>);</item>
/// <item>an option: <c>--namespace</c>, <c>--class</c>, <c>--callback-slots</c>, or <c>assembly name</c>
/// (<see cref="BindingOptions.AssemblyName"/>);</item>
/// <item><c>functions</c> for the spec's functions as a whole (more capabilities than compiled bindings hold), and
/// <c>$</c> (the whole spec) for an internal error of the compiler.</item>
/// </list>
/// </remarks>
public sealed class FfiCompileException : FfiException
{
    /// <summary>Creates the exception for <paramref name="subject"/>.</summary>
    /// <param name="subject">What cannot be compiled: a JSON path into the spec, an option, or one of the other subjects in the remarks.</param>
    /// <param name="reason">Why, and what to do.</param>
    public FfiCompileException(string subject, string reason) : base($"{subject}: {reason}")
    {
        Subject = subject;
        Reason = reason;
    }

    /// <summary>
    /// What cannot be compiled: usually a JSON path into the spec (<c>types.point.fields[1]</c>,
    /// <c>functions.crc32.params[0]</c>), perhaps followed by a note in parentheses; else an option (<c>--namespace</c>)
    /// or another subject listed in the remarks of <see cref="FfiCompileException"/>.
    /// </summary>
    public string Subject { get; }

    /// <summary>Why, without the subject.</summary>
    public string Reason { get; }
}
