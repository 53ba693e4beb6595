using System.Runtime.InteropServices;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// The harness itself: a child that passes, fails, dies by a signal or hangs is reported as such. The probes are
/// public methods, not tests, run through <see cref="Isolated.RunChild"/> so that their failures are looked at
/// instead of failing the run.
/// </summary>
[TestFixture]
public sealed class HarnessTests
{
    private static Isolated.Outcome Probe(string method, int seconds = 60) =>
        Isolated.RunChild(typeof(HarnessProbes).FullName!, method, TimeSpan.FromSeconds(seconds));

    [Test]
    public void APassingChildPasses() => Assert.That(Probe(nameof(HarnessProbes.Passes)).Failure, Is.Null);

    [Test]
    public void AFailedAssertionFailsWithItsMessage()
    {
        var failure = Probe(nameof(HarnessProbes.FailsAnAssertion)).Failure;
        Assert.That(failure, Does.Contain("the case failed").And.Contain("the probe's own message"));
    }

    [Test]
    public void AChildKilledBySigsegvNamesTheSignal() =>
        Assert.That(Probe(nameof(HarnessProbes.RaisesSigsegv)).Failure, Does.Contain("killed by SIGSEGV (exit 139)"));

    [Test]
    public void AnAbortNamesSigabrt() =>
        Assert.That(Probe(nameof(HarnessProbes.Aborts)).Failure, Does.Contain("killed by SIGABRT (exit 134)"));

    [Test]
    public void AHangIsKilledAfterTheBound()
    {
        var failure = Probe(nameof(HarnessProbes.Hangs), seconds: 3).Failure;
        Assert.That(failure, Does.Contain("hang: the child did not finish within 3 s and was killed"));
    }

    [Test]
    public void AnUnknownCaseIsNotAPass() =>
        Assert.That(Probe("NoSuchMethod").Failure, Does.Contain("exited with code 2").And.Contain("no public test method"));
}

/// <summary>Cases for <see cref="HarnessTests"/>: each ends in one way a child can end.</summary>
public sealed class HarnessProbes
{
    /// <summary>Returns.</summary>
    public void Passes() => Isolated.Run(() => Assert.That(Isolated.InChild, Is.True));

    /// <summary>A failed assertion.</summary>
    public void FailsAnAssertion() => Isolated.Run(() => Assert.Fail("the probe's own message"));

    /// <summary>Faults inside C: <c>strlen((char *)8)</c>.</summary>
    public unsafe void RaisesSigsegv() => Isolated.Run(() =>
    {
        var strlen = (delegate* unmanaged<nint, nuint>)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "strlen");
        strlen(8);
    });

    /// <summary>C's <c>abort()</c>.</summary>
    public unsafe void Aborts() => Isolated.Run(() =>
    {
        var abort = (delegate* unmanaged<void>)NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "abort");
        abort();
    });

    /// <summary>Never returns.</summary>
    public void Hangs() => Isolated.Run(() => Thread.Sleep(Timeout.Infinite));
}
