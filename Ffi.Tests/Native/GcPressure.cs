namespace Ffi.Tests.Native;

/// <summary>Runs code while another thread forces collections, so that any call may find the GC running when it returns to managed code.</summary>
internal static class GcPressure
{
    public static void During(Action action)
    {
        bool stop = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                GC.Collect(0, GCCollectionMode.Forced, blocking: true);
                Thread.Sleep(1);
            }
        });
        collector.Start();
        try
        {
            action();
        }
        finally
        {
            Volatile.Write(ref stop, true);
            collector.Join();
        }
    }
}
