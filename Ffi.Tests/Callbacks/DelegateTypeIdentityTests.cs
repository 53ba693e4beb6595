using System.Linq.Expressions;
using Ffi.Spec;
using Ffi.Tests.Layout;
using Ffi.Tests.Oracle;

namespace Ffi.Tests.Callbacks;

/// <summary>
/// Typed trampolines are pooled per delegate type. Two delegate types can share a name, assembly name included — the
/// same plugin assembly loaded into two <c>AssemblyLoadContext</c>s, or two dynamic assemblies of one name — and
/// still be different types; each must get trampolines that cast to its own type.
/// </summary>
[TestFixture]
public sealed class DelegateTypeIdentityTests
{
    [Test]
    public void TwoDelegateTypesOfOneNameGetTrampolinesOfTheirOwn()
    {
        // Two dynamic assemblies of one name, each declaring `delegate int Fn(int x)`.
        var name = $"Plugin_{Guid.NewGuid():N}";
        var first = new ClrAggregateBuilder(name).Delegate("Fn", [typeof(int)], typeof(int));
        var second = new ClrAggregateBuilder(name).Delegate("Fn", [typeof(int)], typeof(int));
        Assert.That((first == second, first.AssemblyQualifiedName), Is.EqualTo((false, second.AssemblyQualifiedName)));

        using var m = NativeModule.Open(FfiSpec.Parse("""
            { "version": "1", "lib": "libc.so.6", "types": { "cb": { "kind": "funcptr", "ret": "int", "params": ["int"] } } }
            """));
        var x = Expression.Parameter(typeof(int), "x");
        using var plusOne = m.Callbacks.Register("cb", Expression.Lambda(first, Expression.Add(x, Expression.Constant(1)), x).Compile());
        using var timesTen = m.Callbacks.Register("cb", Expression.Lambda(second, Expression.Multiply(x, Expression.Constant(10)), x).Compile());
        using (Assert.EnterMultipleScope())
        {
            Assert.That(m.FunctionAt(plusOne.Address, "cb").Invoke(5), Is.EqualTo(6));
            Assert.That(m.FunctionAt(timesTen.Address, "cb").Invoke(5), Is.EqualTo(50));
        }
    }
}
