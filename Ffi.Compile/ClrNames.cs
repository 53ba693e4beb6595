using System.Text;

namespace Ffi.Compile;

/// <summary>
/// The rule that turns a spec name into a CLR identifier, deterministically: every character other than an ASCII
/// letter, digit or <c>_</c> becomes <c>_</c>, and a name that then starts with a digit gets a leading <c>_</c>
/// (<c>"uint8-t"</c> → <c>uint8_t</c>, <c>"2d"</c> → <c>_2d</c>). C# keywords are kept: C# code writes them with
/// <c>@</c> (<c>@int</c>). A member named as its enclosing type gets a trailing <c>_</c>, since C# forbids it
/// (CS0542). Names are never otherwise changed, so two spec names that meet are an error (<see cref="NameScope"/>).
/// </summary>
internal static class ClrNames
{
    /// <summary>The CLR identifier for a spec name.</summary>
    public static string Identifier(string name)
    {
        var sb = new StringBuilder(name.Length + 1);
        foreach (char c in name) sb.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        if (sb.Length == 0 || char.IsAsciiDigit(sb[0])) sb.Insert(0, '_');
        return sb.ToString();
    }

    /// <summary>The identifier of a member of a type named <paramref name="enclosing"/>.</summary>
    public static string Member(string name, string enclosing)
    {
        var id = Identifier(name);
        return id == enclosing ? id + "_" : id;
    }

    /// <summary>Checks a user-supplied dotted name (a namespace) or simple name (a class), as C# would accept it.</summary>
    /// <exception cref="FfiCompileException">The name is not one.</exception>
    public static string Validate(string option, string value, bool dotted)
    {
        var parts = dotted ? value.Split('.') : [value];
        foreach (var p in parts)
            if (p.Length == 0 || Identifier(p) != p)
                throw new FfiCompileException(option, $"\"{value}\" is not a valid CLR {(dotted ? "namespace" : "identifier")} (ASCII letters, digits and _, not starting with a digit{(dotted ? ", parts separated by dots" : "")})");
        return value;
    }
}
