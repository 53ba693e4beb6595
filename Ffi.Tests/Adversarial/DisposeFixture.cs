using Ffi.Tests.Oracle;
using Ffi.Spec;
using Ffi.Tests.Native;

namespace Ffi.Tests.Adversarial;

/// <summary>
/// The C library of the dispose-race and callback-fault cases: slow functions (so that a call is in flight when
/// another thread disposes), callers of callbacks, a callback pointer C keeps, and a struct result. Each child process
/// compiles its own copy, so that dlclose really unmaps it (no other module holds it).
/// </summary>
internal static class DisposeFixture
{
    public const string Source = """
        #include <unistd.h>
        #include <stdarg.h>
        #include <pthread.h>
        int add(int a, int b) { return a + b; }
        int slow_add(int ms, int x) { usleep(ms * 1000); return x + 1; }
        int slow_sum(int ms, int n, ...) {
            va_list ap; va_start(ap, n); int s = 0;
            for (int i = 0; i < n; i++) s += va_arg(ap, int);
            va_end(ap); usleep(ms * 1000); return s;
        }
        typedef int (*int_fn)(int);
        int call_cb(int_fn f, int x) { return f(x) + 1; }
        int call_cb_slowly(int_fn f, int x) { int r = f(x); usleep(50 * 1000); return r + 1; }
        static int_fn saved;
        int call_and_keep(int_fn f, int x) { saved = f; return f(x); }
        int call_saved(int x) { return saved ? saved(x) : -1; }
        struct pair { long a, b; };
        struct pair make_pair(long a, long b) { struct pair p = { a, b }; return p; }
        struct pair pair_via_cb(int_fn f, long b) { struct pair p = { f(1), b }; return p; }
        struct job { int_fn f; int n; long sum; };
        static void *worker(void *p) {
            struct job *j = p; long s = 0;
            for (int i = 0; i < j->n; i++) { s += j->f(i); usleep(100); }
            j->sum = s; return 0;
        }
        long from_threads(int_fn f, int threads, int n) {
            pthread_t t[16]; struct job j[16]; long s = 0;
            if (threads > 16) threads = 16;
            for (int i = 0; i < threads; i++) { j[i].f = f; j[i].n = n; pthread_create(&t[i], 0, worker, &j[i]); }
            for (int i = 0; i < threads; i++) { pthread_join(t[i], 0); s += j[i].sum; }
            return s;
        }
        """;

    public const string Declarations = """
        int add(int a, int b);
        int slow_add(int ms, int x);
        int slow_sum(int ms, int n, ...);
        typedef int (*int_fn)(int);
        int call_cb(int_fn f, int x);
        int call_cb_slowly(int_fn f, int x);
        int call_and_keep(int_fn f, int x);
        int call_saved(int x);
        struct pair { long a, b; };
        struct pair make_pair(long a, long b);
        struct pair pair_via_cb(int_fn f, long b);
        long from_threads(int_fn f, int threads, int n);
        """;

    /// <summary>Compiles a fresh copy of the library (call it in the child).</summary>
    public static string Build() => Gcc.Compile(Source, "dispose_fixture", "-shared -fPIC -pthread");

    /// <summary>Opens <paramref name="library"/> with the fixture's declarations.</summary>
    public static NativeModule Open(string library) => NativeModule.Open(FfiSpec.ParseC(Declarations, library));
}
