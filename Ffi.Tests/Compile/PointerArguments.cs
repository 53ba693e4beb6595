using System.Globalization;
using System.Reflection;
using System.Text;
using static Ffi.Tests.Compile.PointerSignatures;

namespace Ffi.Tests.Compile;

/// <summary>
/// The seeded arguments of one call of a <see cref="PointerFunction"/>, written two ways: as C for gcc's driver
/// (<see cref="CCall"/>), and as fresh CLR objects for a compiled method (<see cref="Objects"/>); and the line either
/// prints of the call's outcome: the function's name, its result and, for every pointer parameter, the bytes it points
/// to after the call (a struct field by field), in hex: <c>P3_f0 1f2e…  0a0b0c 05000000</c>.
/// </summary>
internal sealed class PointerArguments
{
    // Per parameter: a buffer's bytes, an int's or a double's value, a struct's field values.
    private readonly object[] _values;

    private PointerArguments(object[] values) => _values = values;

    public static PointerArguments Random(PointerFunction f, Random rng) => new(f.Params.Select(p => p.Kind switch
    {
        Kind.Int or Kind.IntRef or Kind.ConstIntRef => (object)(double)rng.Next(int.MinValue, int.MaxValue),
        Kind.Double or Kind.DoubleRef or Kind.ConstDoubleRef => Quarter(rng),
        Kind.StructRef or Kind.ConstStructRef => p.Struct!.Fields.Select(field => FieldValue(field.Type, rng)).ToArray(),
        // An empty buffer now and then: the span form passes NULL for it, as the C driver does.
        _ => rng.Next(6) == 0 ? Array.Empty<byte>() : Enumerable.Range(0, rng.Next(1, 41)).Select(_ => (byte)rng.Next(256)).ToArray(),
    }).ToArray());

    private static object Quarter(Random rng) => rng.Next(-100_000, 100_000) / 4.0;

    private static double FieldValue(Scalar t, Random rng) => t.Floating ? (double)Quarter(rng) : t.Size switch
    {
        1 when t.C.StartsWith("unsigned", StringComparison.Ordinal) => rng.Next(256),
        1 => rng.Next(-128, 128),
        2 => rng.Next(short.MinValue, short.MaxValue + 1),
        4 => rng.Next(int.MinValue, int.MaxValue),
        _ => rng.NextInt64(-(1L << 40), 1L << 40),
    };

    /// <summary>A block of the driver's <c>main</c>: the arguments as locals, the call, and its line.</summary>
    public string CCall(PointerFunction f)
    {
        var locals = new StringBuilder();
        var args = new List<string>();
        var printed = new StringBuilder();
        for (int i = 0; i < f.Params.Count; i++)
        {
            var p = f.Params[i];
            switch (_values[i])
            {
                case byte[] { Length: 0 }:
                    args.Add("(void *)0, 0UL");
                    printed.Append("hex((void *)0, 0); ");
                    break;
                case byte[] bytes:
                    locals.Append($"unsigned char v{i}[] = {{{string.Join(", ", bytes)}}}; ");
                    args.Add($"v{i}, {bytes.Length}UL");
                    printed.Append($"hex(v{i}, {bytes.Length}); ");
                    break;
                case double[] fields:
                    var inits = p.Struct!.Fields.Select((field, j) => $".{field.Name} = {Literal(field.Type, fields[j])}");
                    locals.Append($"struct {p.Struct.Name} v{i} = {{{string.Join(", ", inits)}}}; ");
                    args.Add($"&v{i}");
                    printed.Append(string.Concat(p.Struct.Fields.Select(field => $"hex(&v{i}.{field.Name}, {field.Type.Size}); ")));
                    break;
                case double value:
                    bool isInt = p.Kind is Kind.Int or Kind.IntRef or Kind.ConstIntRef;
                    var literal = isInt ? ((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString("R", CultureInfo.InvariantCulture);
                    if (p.Kind is Kind.Int or Kind.Double) { args.Add(literal); break; }
                    locals.Append($"{(isInt ? "int" : "double")} v{i} = {literal}; ");
                    args.Add($"&v{i}");
                    printed.Append($"hex(&v{i}, sizeof v{i}); ");
                    break;
            }
        }
        return $"    {{ {locals}unsigned long r = {f.Name}({string.Join(", ", args)}); printf(\"{f.Name} %016lx\", r); {printed}putchar('\\n'); }}\n";
    }

    /// <summary>
    /// New CLR objects for the parameters: a buffer as a <c>byte[]</c>, an <c>int</c> or a <c>double</c> boxed, a struct
    /// as a boxed value of its compiled type (<paramref name="structType"/> finds it).
    /// </summary>
    public object[] Objects(PointerFunction f, Func<string, Type> structType) => f.Params.Select((p, i) => _values[i] switch
    {
        byte[] bytes => bytes.ToArray(),
        double[] fields => NewStruct(structType(p.Struct!.Name), p.Struct, fields),
        double value => p.Kind is Kind.Int or Kind.IntRef or Kind.ConstIntRef ? (object)(int)value : value,
        _ => throw new InvalidOperationException(),
    }).ToArray();

    private static object NewStruct(Type t, Struct s, double[] values)
    {
        var box = Activator.CreateInstance(t)!;
        for (int j = 0; j < values.Length; j++)
        {
            var field = t.GetField(s.Fields[j].Name, BindingFlags.Public | BindingFlags.Instance)!;
            field.SetValue(box, ToField(field.FieldType, values[j]));
        }
        return box;
    }

    /// <summary>What the call printed, from the result and the objects after the call.</summary>
    public static string Line(PointerFunction f, ulong result, object[] objects)
    {
        var line = new StringBuilder($"{f.Name} {result:x16}");
        for (int i = 0; i < f.Params.Count; i++)
        {
            if (f.Params[i].Kind is Kind.Int or Kind.Double) continue;
            if (objects[i] is byte[] bytes) line.Append(' ').Append(Hex(bytes));
            else if (f.Params[i].Struct is { } s)
                foreach (var (name, _) in s.Fields)
                    line.Append(' ').Append(Hex(Bytes(objects[i].GetType().GetField(name)!.GetValue(objects[i])!)));
            else line.Append(' ').Append(Hex(Bytes(objects[i])));
        }
        return line.ToString();
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static object ToField(Type t, double v) => t switch
    {
        // (object) first: else the arms' common type is double, and every value a boxed double.
        _ when t == typeof(sbyte) => (object)(sbyte)v,
        _ when t == typeof(byte) => (byte)v,
        _ when t == typeof(short) => (short)v,
        _ when t == typeof(int) => (int)v,
        _ when t == typeof(long) => (long)v,
        _ when t == typeof(nint) => (nint)(long)v,
        _ when t == typeof(float) => (float)v,
        _ when t == typeof(double) => v,
        _ => throw new NotSupportedException($"a field of type {t}"),
    };

    private static byte[] Bytes(object value) => value switch
    {
        sbyte b => [(byte)b],
        byte b => [b],
        short x => BitConverter.GetBytes(x),
        int x => BitConverter.GetBytes(x),
        long x => BitConverter.GetBytes(x),
        nint x => BitConverter.GetBytes((long)x),
        float x => BitConverter.GetBytes(x),
        double x => BitConverter.GetBytes(x),
        _ => throw new NotSupportedException($"a value of type {value.GetType()}"),
    };
}
