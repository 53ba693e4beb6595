using System.Globalization;
using Ffi.Spec;
using Ffi.Types;

namespace Ffi.Examples;

/// <summary>
/// The C math library through examples/libm.json: a table of every <c>double f(double)</c> the spec declares,
/// called dynamically; typed delegates for two-argument and float functions; and the functions that return a
/// second result through a pointer (frexp through a span, modf through engine memory).
/// </summary>
public static class LibmExample
{
    // double frexp(double x, int *exp): the out parameter as a span over a local, pinned for the call.
    private delegate double Frexp(double x, Span<int> exponent);

    /// <summary>Runs the example with examples/libm.json, copied next to the program.</summary>
    /// <returns>0 when every step gave the expected result, 1 otherwise.</returns>
    public static int Main() => Run(Console.Out, Path.Combine(AppContext.BaseDirectory, "libm.json"));

    /// <summary>Runs every step of the example, writing what happens to <paramref name="output"/>.</summary>
    /// <param name="output">Where the report goes.</param>
    /// <param name="specPath">The path of examples/libm.json.</param>
    /// <returns>0 when every step gave the expected result, 1 otherwise.</returns>
    public static int Run(TextWriter output, string specPath)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var libm = NativeModule.Open(FfiSpec.Load(specPath));
        Say(output, $"libm example: {libm.Library}, {libm.Functions.Count} functions ({libm.Functions.Count(f => f.IsTrivial)} trivial: called without the GC transition)");
        bool ok = PrintTable(libm, output);
        ok &= CallTyped(libm, output);
        ok &= ReturnThroughPointers(libm, output);
        Say(output, $"{(ok ? "all steps passed" : "SOME STEPS FAILED")}");
        return ok ? 0 : 1;
    }

    private static bool PrintTable(NativeModule libm, TextWriter output)
    {
        Say(output, $"");
        Say(output, $"1. Every double f(double) of the spec, found by its signature and called through the dynamic API");
        double[] xs = [0.5, 1, 2, 10];
        Say(output, $"   {"x",-6}{string.Concat(xs.Select(Cell))}");
        var unary = libm.Functions.Where(f => IsDouble(f.ReturnType) && f.ParameterTypes is [var p] && IsDouble(p)).ToList();
        bool ok = unary.Count > 0;
        foreach (var spec in unary)
        {
            var function = libm.Function(spec.Name);
            // Collection expressions of FfiValue: the arguments and the result stay on the stack.
            var row = xs.Select(x => function.Invoke([x]).ToDouble()).ToArray();
            Say(output, $"   {spec.Name,-6}{string.Concat(row.Select(Cell))}");
        }
        var sqrt = libm.Function("sqrt");
        var cos = libm.Function("cos");
        foreach (double x in xs)
            ok &= sqrt.Invoke([x]).ToDouble() == Math.Sqrt(x) && cos.Invoke([x]).ToDouble() == Math.Cos(x);
        Say(output, $"   {unary.Count} functions; sqrt and cos agree with System.Math: {ok}");
        return ok;
    }

    private static bool CallTyped(NativeModule libm, TextWriter output)
    {
        Say(output, $"");
        Say(output, $"2. Typed delegates, checked against the spec once");
        var atan2 = libm.GetFunction<Func<double, double, double>>("atan2");
        var pow = libm.GetFunction<Func<double, double, double>>("pow");
        var fmod = libm.GetFunction<Func<double, double, double>>("fmod");
        var hypot = libm.GetFunction<Func<double, double, double>>("hypot");
        var ldexp = libm.GetFunction<Func<double, int, double>>("ldexp");
        var sinf = libm.GetFunction<Func<float, float>>("sinf");
        var sqrtf = libm.GetFunction<Func<float, float>>("sqrtf");
        var powf = libm.GetFunction<Func<float, float, float>>("powf");
        Say(output, $"   atan2(1, -1) = {atan2(1, -1):R} (3*pi/4 = {3 * Math.PI / 4:R})");
        Say(output, $"   pow(2, 0.5) = {pow(2, 0.5):R}, powf(2, 0.5f) = {powf(2, 0.5f):R}");
        Say(output, $"   fmod(-7.5, 2) = {fmod(-7.5, 2)}, hypot(3, 4) = {hypot(3, 4)}, ldexp(0.75, 6) = {ldexp(0.75, 6)}");
        Say(output, $"   sinf(pi/6) = {sinf(MathF.PI / 6):R}, sqrtf(2) = {sqrtf(2):R} (single precision)");

        // A mismatch is refused when the delegate is made, with the place and the fix.
        try
        {
            libm.GetFunction<Func<float, float>>("sqrt");
            Say(output, $"   GetFunction<Func<float, float>>(\"sqrt\") was accepted: it should not be");
            return false;
        }
        catch (FfiBindException e)
        {
            Say(output, $"   GetFunction<Func<float, float>>(\"sqrt\") is refused:");
            foreach (var line in e.Message.Split('\n')) Say(output, $"     {line}");
        }
        return fmod(-7.5, 2) == -1.5 && hypot(3, 4) == 5 && ldexp(0.75, 6) == 48 && Math.Abs(sinf(MathF.PI / 6) - 0.5f) < 1e-6f;
    }

    private static bool ReturnThroughPointers(NativeModule libm, TextWriter output)
    {
        Say(output, $"");
        Say(output, $"3. Second results through pointers");
        bool ok = true;
        var frexp = libm.GetFunction<Frexp>("frexp");
        foreach (double x in new[] { 48.0, 1000.0, 0.1, -5.0 })
        {
            int exponent = 0;
            double fraction = frexp(x, new Span<int>(ref exponent));
            Say(output, $"   frexp({x}) = {fraction} with *exp = {exponent}: {fraction} * 2^{exponent} = {fraction * Math.Pow(2, exponent)}");
            ok &= fraction * Math.Pow(2, exponent) == x && Math.Abs(fraction) is >= 0.5 and < 1;
        }

        // The dynamic API with a double in engine memory: allocated, passed as double*, read back by type.
        var integral = libm.Memory.New("double");
        foreach (double x in new[] { 3.25, -3.25, 1e10 + 0.5 })
        {
            var fraction = (double)libm.Invoke("modf", x, integral)!;
            var whole = (double)libm.Memory.Get(integral)!;
            Say(output, $"   modf({x}) = {fraction} with *iptr = {whole}");
            ok &= fraction + whole == x && Math.Truncate(x) == whole;
        }
        libm.Memory.Free(integral);
        return ok;
    }

    private static bool IsDouble(CType type) => type is FloatType { Bits: 64 };

    private static string Cell(double value) => value.ToString("G6", CultureInfo.InvariantCulture).PadLeft(12);

    private static void Say(TextWriter output, FormattableString line) => output.WriteLine(FormattableString.Invariant(line));
}
