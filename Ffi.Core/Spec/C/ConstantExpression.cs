using System.Runtime.CompilerServices;

namespace Ffi.Spec.C;

/// <summary>
/// Evaluates C integer constant expressions — the ones in <c>[N]</c>, enum values, bitfield widths,
/// <c>#define</c>s and <c>#if</c>: arithmetic, shifts, comparisons, logic, <c>?:</c>, casts
/// (<c>(unsigned char)300</c> is 44), <c>sizeof</c>/<c>_Alignof</c> of declared types, enum constants
/// and other macros. 64-bit arithmetic with C's signed/unsigned rules; division by zero and shifts out of
/// range are errors, never a silent value.
/// </summary>
internal static class ConstantExpression
{
    private static readonly Dictionary<string, int> Precedence = new(StringComparer.Ordinal)
    {
        ["||"] = 1, ["&&"] = 2, ["|"] = 3, ["^"] = 4, ["&"] = 5, ["=="] = 6, ["!="] = 6,
        ["<"] = 7, [">"] = 7, ["<="] = 7, [">="] = 7, ["<<"] = 8, [">>"] = 8, ["+"] = 9, ["-"] = 9,
        ["*"] = 10, ["/"] = 10, ["%"] = 10,
    };

    /// <summary>Reads one conditional expression (no comma operator) at the cursor.</summary>
    public static CInteger Evaluate(CTokenCursor c, IConstantScope scope)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack()) throw c.Error(c.Peek().At, "the constant expression nests too deeply");
        var cond = Binary(c, scope, 1);
        if (!c.Accept("?")) return cond;
        var yes = Evaluate(c, scope);
        c.Expect(":", "':' of the conditional operator");
        var no = Evaluate(c, scope);
        return cond.IsTrue ? yes : no;
    }

    private static CInteger Binary(CTokenCursor c, IConstantScope scope, int minPrecedence)
    {
        var left = Unary(c, scope);
        while (true)
        {
            var op = c.Peek();
            if (op.Kind != CTokenKind.Punct || !Precedence.TryGetValue(op.Text, out int p) || p < minPrecedence) return left;
            c.Next();
            var right = Binary(c, scope, p + 1);
            left = Apply(c, op, left, right);
        }
    }

    private static CInteger Apply(CTokenCursor c, CToken op, CInteger a, CInteger b)
    {
        var (u, w) = CInteger.Common(a, b);
        long x = a.Value, y = b.Value;
        return op.Text switch
        {
            "||" => CInteger.Bool(a.IsTrue || b.IsTrue),
            "&&" => CInteger.Bool(a.IsTrue && b.IsTrue),
            "|" => new(x | y, u, w),
            "^" => new(x ^ y, u, w),
            "&" => new(x & y, u, w),
            "==" => CInteger.Bool(x == y),
            "!=" => CInteger.Bool(x != y),
            "<" => CInteger.Bool(u ? (ulong)x < (ulong)y : x < y),
            ">" => CInteger.Bool(u ? (ulong)x > (ulong)y : x > y),
            "<=" => CInteger.Bool(u ? (ulong)x <= (ulong)y : x <= y),
            ">=" => CInteger.Bool(u ? (ulong)x >= (ulong)y : x >= y),
            "<<" => new(unchecked(x << ShiftCount(c, op, a, b)), a.Unsigned, a.Wide),
            ">>" => new(a.Unsigned ? (long)((ulong)x >> ShiftCount(c, op, a, b)) : x >> ShiftCount(c, op, a, b), a.Unsigned, a.Wide),
            "+" => new(unchecked(x + y), u, w),
            "-" => new(unchecked(x - y), u, w),
            "*" => new(unchecked(x * y), u, w),
            "/" => Divide(c, op, x, y, u, w, remainder: false),
            "%" => Divide(c, op, x, y, u, w, remainder: true),
            _ => throw c.Fail(op, "expected an operator"),
        };
    }

    private static int ShiftCount(CTokenCursor c, CToken op, CInteger value, CInteger count)
    {
        int width = value.Wide ? 64 : 32;
        if (count.Value < 0 || count.Value >= width)
            throw c.Error(op.At, $"shift count {count.Value} is out of range 0..{width - 1} for {(value.Wide ? "a 64-bit" : "an int-sized")} operand");
        return (int)count.Value;
    }

    private static CInteger Divide(CTokenCursor c, CToken op, long x, long y, bool u, bool w, bool remainder)
    {
        if (y == 0) throw c.Error(op.At, "division by zero in a constant expression");
        if (u) return new(remainder ? (long)((ulong)x % (ulong)y) : (long)((ulong)x / (ulong)y), true, w);
        if (x == long.MinValue && y == -1) return new(remainder ? 0 : long.MinValue, false, w);
        return new(remainder ? x % y : x / y, false, w);
    }

    private static CInteger Unary(CTokenCursor c, IConstantScope scope)
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack()) throw c.Error(c.Peek().At, "the constant expression nests too deeply");
        var t = c.Peek();
        if (t.Kind == CTokenKind.Punct)
        {
            switch (t.Text)
            {
                case "+": c.Next(); return Unary(c, scope);
                case "-": c.Next(); { var v = Unary(c, scope); return new(unchecked(-v.Value), v.Unsigned, v.Wide); }
                case "~": c.Next(); { var v = Unary(c, scope); return new(~v.Value, v.Unsigned, v.Wide); }
                case "!": c.Next(); return CInteger.Bool(!Unary(c, scope).IsTrue);
                case "(" when scope.StartsTypeName(c.Peek(1)):
                {
                    c.Next();
                    var facts = scope.ReadTypeName(c);
                    c.Expect(")", "')' to close the cast");
                    return Cast(c, t, facts, Unary(c, scope));
                }
                case "(":
                {
                    c.Next();
                    var v = Evaluate(c, scope);
                    c.Expect(")", "')' to close the parenthesis");
                    return v;
                }
            }
        }
        if (t.Kind == CTokenKind.Identifier && t.Text is "sizeof" or "_Alignof" or "__alignof__" or "__alignof" or "alignof")
        {
            c.Next();
            if (!c.Peek().Is("(") || !scope.StartsTypeName(c.Peek(1)))
                throw c.Fail(c.Peek(), $"expected '(' and a type name after {t.Text} (only types can be measured here)");
            c.Next();
            var facts = scope.ReadTypeName(c);
            c.Expect(")", $"')' to close {t.Text}");
            return new(t.Text == "sizeof" ? facts.Size : facts.Align, true, true);
        }
        return Primary(c, scope);
    }

    private static CInteger Cast(CTokenCursor c, CToken at, CTypeFacts facts, CInteger v)
    {
        if (facts.IntBits is not int bits) throw c.Error(at.At, "a constant expression can only be cast to an integer or pointer type");
        if (bits >= 64) return new(v.Value, !facts.Signed, true);
        long mask = (1L << bits) - 1;
        long low = v.Value & mask;
        if (facts.Signed && (low >> (bits - 1) & 1) != 0) low |= ~mask;
        // _Bool converts any non-zero value to 1.
        if (bits == 1) low = v.IsTrue ? 1 : 0;
        // A cast to a type narrower than int yields a value that promotes back to int.
        return new(low, !facts.Signed && bits == 32, false);
    }

    private static CInteger Primary(CTokenCursor c, IConstantScope scope)
    {
        var t = c.Next();
        switch (t.Kind)
        {
            case CTokenKind.Integer:
                return CInteger.FromToken(t);
            case CTokenKind.Identifier when scope.IsPreprocessor && t.Text == "defined":
            {
                bool paren = c.Accept("(");
                var name = c.ExpectIdentifier("a macro name after 'defined'");
                if (paren) c.Expect(")", "')' after the macro name");
                return CInteger.Bool(scope.IsDefined(name.Text));
            }
            case CTokenKind.Identifier:
                if (scope.TryGetConstant(t.Text, out var v)) return v;
                if (scope.IsPreprocessor) return new(0, false, true);
                throw c.Error(t.At, $"'{t.Text}' is not an integer constant (an enum constant or a #define declared before it)");
            case CTokenKind.Float:
                throw c.Error(t.At, $"expected an integer constant expression, found the floating constant {t.Text}");
            default:
                throw c.Fail(t, "expected an integer constant expression");
        }
    }
}
