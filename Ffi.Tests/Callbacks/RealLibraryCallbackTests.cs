using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Tests.Callbacks;

/// <summary>Callbacks into real libraries: libc's qsort and bsearch over a million ints, sqlite3_exec's row callback.</summary>
[TestFixture]
public sealed unsafe class RealLibraryCallbackTests
{
    private const string LibcSpec = """
        { "version": "1", "lib": "libc.so.6",
          "types": { "cmp_fn": { "kind": "funcptr", "ret": "int", "params": ["pointer", "pointer"] } },
          "functions": [
            { "name": "qsort", "ret": "void", "params": ["pointer", "size_t", "size_t", "cmp_fn"] },
            { "name": "bsearch", "ret": "pointer", "params": ["pointer", "pointer", "size_t", "size_t", "cmp_fn"] }
          ] }
        """;

    private const string SqliteSpec = """
        { "version": "1", "lib": "libsqlite3.so.0",
          "types": {
            "sqlite3": { "kind": "handle", "tag": "sqlite3", "rep": "pointer" },
            "exec_row_fn": { "kind": "funcptr", "ret": "int", "params": ["pointer", "int", "pointer", "pointer"],
                             "doc": "int (*)(void *ctx, int columns, char **values, char **names)" }
          },
          "functions": [
            { "name": "sqlite3_open", "ret": "int", "params": ["string", { "kind": "pointer", "to": "sqlite3" }] },
            { "name": "sqlite3_exec", "ret": "int", "params": ["sqlite3", "string", "exec_row_fn", "pointer", { "kind": "pointer", "to": "string" }] },
            { "name": "sqlite3_close", "ret": "int", "params": ["sqlite3"] },
            { "name": "sqlite3_free", "ret": "void", "params": ["pointer"] }
          ] }
        """;

    private static int[] RandomInts(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => rng.Next()).ToArray();
    }

    [Test]
    public void QsortAMillionIntsWithATypedComparator()
    {
        using var libc = NativeModule.Open(FfiSpec.Parse(LibcSpec));
        var qsort = libc.GetFunction<Action<nint, nuint, nuint, Func<nint, nint, int>>>("qsort");
        var data = RandomInts(1_000_000, 1);
        var expected = data.Order().ToArray();
        long calls = 0;
        fixed (int* p = data)
            qsort((nint)p, (nuint)data.Length, sizeof(int), (a, b) =>
            {
                calls++;
                return (*(int*)a).CompareTo(*(int*)b);
            });
        Assert.That(data, Is.EqualTo(expected));
        Assert.That(calls, Is.GreaterThan(10_000_000), "one callback per comparison");
    }

    [Test]
    public void QsortWithADynamicHandler()
    {
        using var libc = NativeModule.Open(FfiSpec.Parse(LibcSpec));
        var data = RandomInts(100_000, 2);
        var expected = data.Order().ToArray();
        fixed (int* p = data)
        {
            libc.Invoke("qsort", (nint)p, (nuint)data.Length, (nuint)sizeof(int), (FfiCallbackHandler)(args =>
                (*(int*)((NativePointer)args[0]!).Address).CompareTo(*(int*)((NativePointer)args[1]!).Address)));
        }
        Assert.That(data, Is.EqualTo(expected));
    }

    [Test]
    public void BsearchAMillionIntsWithARegisteredComparator()
    {
        using var libc = NativeModule.Open(FfiSpec.Parse(LibcSpec));
        var data = RandomInts(1_000_000, 3).Distinct().Order().ToArray();
        using var cmp = libc.Callbacks.Register("cmp_fn", (Func<nint, nint, int>)((a, b) => (*(int*)a).CompareTo(*(int*)b)));
        var bsearch = libc.GetFunction<Func<nint, nint, nuint, nuint, NativePointer, nint>>("bsearch");
        var rng = new Random(4);
        fixed (int* p = data)
        {
            for (int k = 0; k < 10_000; k++)
            {
                int index = rng.Next(data.Length);
                int key = data[index];
                Assert.That(bsearch((nint)(&key), (nint)p, (nuint)data.Length, sizeof(int), cmp), Is.EqualTo((nint)(p + index)));
                int absent = -1 - k; // the data are non-negative
                Assert.That(bsearch((nint)(&absent), (nint)p, (nuint)data.Length, sizeof(int), cmp), Is.EqualTo((nint)0));
            }
        }
    }

    private delegate int OpenFn(string name, nint* db);
    private delegate int ExecFn(nint db, string sql, Func<nint, int, nint, nint, int>? callback, nint context, nint* error);

    private static nint OpenMemoryDatabase(OpenFn open)
    {
        nint db;
        Assert.That(open(":memory:", &db), Is.Zero);
        return db;
    }

    [Test]
    public void Sqlite3ExecCallsTheRowCallbackForEveryRow()
    {
        using var sqlite = NativeModule.Open(FfiSpec.Parse(SqliteSpec));
        var open = sqlite.GetFunction<OpenFn>("sqlite3_open");
        var exec = sqlite.GetFunction<ExecFn>("sqlite3_exec");
        nint db = OpenMemoryDatabase(open);
        try
        {
            Assert.That(exec(db, """
                CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT);
                WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000)
                INSERT INTO t SELECT x, 'row ' || x FROM c;
                """, null, 0, null), Is.Zero);

            var rows = new List<(string Id, string Name)>();
            var columns = new List<string>();
            int rc = exec(db, "SELECT id, name FROM t ORDER BY id", (ctx, n, values, names) =>
            {
                if (columns.Count == 0)
                    for (int i = 0; i < n; i++) columns.Add(Marshal.PtrToStringUTF8(((nint*)names)[i])!);
                rows.Add((Marshal.PtrToStringUTF8(((nint*)values)[0])!, Marshal.PtrToStringUTF8(((nint*)values)[1])!));
                return 0;
            }, 0, null);
            Assert.That(rc, Is.Zero);
            Assert.That(columns, Is.EqualTo(new[] { "id", "name" }));
            Assert.That(rows, Has.Count.EqualTo(1000));
            Assert.That(rows[0], Is.EqualTo(("1", "row 1")));
            Assert.That(rows[999], Is.EqualTo(("1000", "row 1000")));

            // A non-zero return aborts the statement (SQLITE_ABORT = 4).
            int seen = 0;
            Assert.That(exec(db, "SELECT id FROM t", (_, _, _, _) => ++seen == 10 ? 1 : 0, 0, null), Is.EqualTo(4));
            Assert.That(seen, Is.EqualTo(10));

            // Through the dynamic API, with a handler; then a callback that throws.
            int count = 0;
            var viaHandler = sqlite.Invoke("sqlite3_exec", NativePointer.FromAddress(db, sqlite.Types["sqlite3"], "sqlite3"), "SELECT name FROM t WHERE id <= 5",
                (FfiCallbackHandler)(a =>
                {
                    count++;
                    return 0;
                }), null, null);
            Assert.That((viaHandler, count), Is.EqualTo((0, 5)));
            Assert.That(() => exec(db, "SELECT id FROM t", (_, _, _, _) => throw new InvalidDataException("row"), 0, null),
                Throws.TypeOf<FfiCallbackException>().With.InnerException.TypeOf<InvalidDataException>());
        }
        finally
        {
            Assert.That(sqlite.Invoke("sqlite3_close", NativePointer.FromAddress(db, sqlite.Types["sqlite3"], "sqlite3")), Is.Zero);
        }
    }
}
