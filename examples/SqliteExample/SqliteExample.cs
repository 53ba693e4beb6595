using System.Runtime.InteropServices;
using Ffi.Memory;
using Ffi.Spec;

namespace Ffi.Examples;

/// <summary>
/// SQLite through examples/sqlite3.json: an in-memory database, rows inserted with a prepared statement and bound
/// parameters, queries through sqlite3_exec with a row callback (typed, then a dynamic handler) and through
/// prepare/step/column, error messages, and handle tags that keep connections and statements apart.
/// </summary>
public static class SqliteExample
{
    /// <summary>The <c>sqlite3_rc</c> enum of the spec (the result codes this example meets).</summary>
    private enum SqliteCode
    {
        Ok = 0,
        Error = 1,
        Abort = 4,
        Row = 100,
        Done = 101,
    }

    // sqlite3_callback, int (*)(void *context, int columns, char **values, char **names), seen from C#.
    private delegate int RowCallback(nint context, int columns, nint values, nint names);

    // int sqlite3_exec(sqlite3 *, const char *sql, sqlite3_callback, void *context, char **errmsg)
    private delegate SqliteCode Exec(NativePointer db, string sql, RowCallback? callback, nint context, NativePointer errorMessage);

    // int sqlite3_prepare_v2(sqlite3 *, const char *sql, int nByte, sqlite3_stmt **statement, const char **tail)
    private delegate SqliteCode Prepare(NativePointer db, string sql, int length, NativePointer statement, NativePointer tail);

    // int sqlite3_bind_text(sqlite3_stmt *, int index, const char *text, int nBytes, void (*destructor)(void *))
    private delegate SqliteCode BindText(NativePointer statement, int index, string text, int length, nint destructor);

    // SQLITE_TRANSIENT, ((sqlite3_destructor_type)-1): SQLite copies the text at once. The UTF-8 text the engine
    // makes for a string argument lives only for the call, so this is the destructor to give with a C# string.
    private const nint SqliteTransient = -1;

    private static readonly (string Name, long Born, string Known)[] Pioneers =
    [
        ("Charles Babbage", 1791, "the Analytical Engine"),
        ("Ada Lovelace", 1815, "the first published program"),
        ("Grace Hopper", 1906, "the first compiler"),
        ("Alan Turing", 1912, "computability"),
        ("Edsger Dijkstra", 1930, "shortest paths"),
        ("Barbara Liskov", 1939, "data abstraction"),
    ];

    /// <summary>Runs the example with examples/sqlite3.json, copied next to the program.</summary>
    /// <returns>0 when every step gave the expected result, 1 otherwise.</returns>
    public static int Main() => Run(Console.Out, Path.Combine(AppContext.BaseDirectory, "sqlite3.json"));

    /// <summary>Runs every step of the example, writing what happens to <paramref name="output"/>.</summary>
    /// <param name="output">Where the report goes.</param>
    /// <param name="specPath">The path of examples/sqlite3.json.</param>
    /// <returns>0 when every step gave the expected result, 1 otherwise.</returns>
    public static int Run(TextWriter output, string specPath)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var sqlite = NativeModule.Open(FfiSpec.Load(specPath));
        Say(output, $"sqlite example: {sqlite.Library}, SQLite {sqlite.GetFunction<Func<string>>("sqlite3_libversion")()}");

        Say(output, $"");
        Say(output, $"1. Open an in-memory database: sqlite3 ** as a slot in engine memory");
        var open = sqlite.GetFunction<Func<string, NativePointer, SqliteCode>>("sqlite3_open");
        var close = sqlite.GetFunction<Func<NativePointer, SqliteCode>>("sqlite3_close");
        var slot = sqlite.Memory.New("sqlite3");
        var opened = open(":memory:", slot);
        var db = (NativePointer)sqlite.Memory.Get(slot)!;     // a handle: the pointer carries the tag "sqlite3"
        Say(output, $"   sqlite3_open(\":memory:\") = {opened}, db {(db.IsNull ? "NULL" : "set")}, tagged \"{db.Tag}\"");
        if (opened != SqliteCode.Ok) return 1;
        bool ok;
        try
        {
            ok = CreateAndInsert(sqlite, output, db);
            ok &= QueryWithExec(sqlite, output, db);
            ok &= QueryWithStatement(sqlite, output, db);
            ok &= ReportErrors(sqlite, output, db);
        }
        finally
        {
            Say(output, $"");
            Say(output, $"6. sqlite3_close = {close(db)}");
        }
        Say(output, $"{(ok ? "all steps passed" : "SOME STEPS FAILED")}");
        return ok ? 0 : 1;
    }

    private static bool CreateAndInsert(NativeModule sqlite, TextWriter output, NativePointer db)
    {
        Say(output, $"");
        Say(output, $"2. Create a table, then insert rows with one prepared statement: bind, step, reset");
        var exec = sqlite.GetFunction<Exec>("sqlite3_exec");
        var created = exec(db, "CREATE TABLE pioneers(id INTEGER PRIMARY KEY, name TEXT NOT NULL, born INTEGER, known_for TEXT)", null, 0, NativePointer.Null);
        Say(output, $"   CREATE TABLE: {created}");

        var bindText = sqlite.GetFunction<BindText>("sqlite3_bind_text");
        var bindInt64 = sqlite.GetFunction<Func<NativePointer, int, long, SqliteCode>>("sqlite3_bind_int64");
        var step = sqlite.GetFunction<Func<NativePointer, SqliteCode>>("sqlite3_step");
        var reset = sqlite.GetFunction<Func<NativePointer, SqliteCode>>("sqlite3_reset");
        var changes = sqlite.GetFunction<Func<NativePointer, int>>("sqlite3_changes");
        var lastRowId = sqlite.GetFunction<Func<NativePointer, long>>("sqlite3_last_insert_rowid");

        var insert = PrepareStatement(sqlite, db, "INSERT INTO pioneers(name, born, known_for) VALUES (?1, ?2, ?3)");
        int inserted = 0;
        try
        {
            foreach (var (name, born, known) in Pioneers)
            {
                bindText(insert, 1, name, -1, SqliteTransient);
                bindInt64(insert, 2, born);
                bindText(insert, 3, known, -1, SqliteTransient);
                var done = step(insert);
                inserted += done == SqliteCode.Done ? changes(db) : 0;
                Say(output, $"   {name,-16} born {born}: step = {done}, changes {changes(db)}, rowid {lastRowId(db)}");
                reset(insert);
            }
        }
        finally
        {
            FinalizeStatement(sqlite, insert);
        }
        Say(output, $"   {inserted} rows inserted");
        return created == SqliteCode.Ok && inserted == Pioneers.Length;
    }

    private static bool QueryWithExec(NativeModule sqlite, TextWriter output, NativePointer db)
    {
        Say(output, $"");
        Say(output, $"3. sqlite3_exec with a row callback");
        var exec = sqlite.GetFunction<Exec>("sqlite3_exec");

        // A typed callback: the lambda's closure takes the place of the void *context.
        var rows = new List<string?[]>();
        string[] columns = [];
        var rc = exec(db, "SELECT name, born FROM pioneers ORDER BY born DESC", (_, n, values, names) =>
        {
            if (columns.Length == 0) columns = Texts(names, n).Select(c => c ?? "").ToArray();
            rows.Add(Texts(values, n));
            return 0;
        }, 0, NativePointer.Null);
        Say(output, $"   {string.Join(" | ", columns)}: {rc}, {rows.Count} rows, youngest first");
        foreach (var row in rows) Say(output, $"   {row[0],-16} {row[1]}");

        // The same through the dynamic API with a handler: char ** arrives as a NativePointer typed string*,
        // which the memory toolbox reads as it reads any typed pointer.
        string? count = null;
        var rc2 = sqlite.Invoke("sqlite3_exec", db, "SELECT count(*) FROM pioneers WHERE born < 1900", (FfiCallbackHandler)(args =>
        {
            count = sqlite.Memory.String((NativePointer)sqlite.Memory.Get((NativePointer)args[2]!)!);
            return 0;
        }), null, null);
        Say(output, $"   through a dynamic handler: {count} pioneers born before 1900 ({(SqliteCode)(int)rc2!})");

        // A callback that returns non-zero stops the statement: SQLITE_ABORT.
        int seen = 0;
        var aborted = exec(db, "SELECT name FROM pioneers", (_, _, _, _) => ++seen == 2 ? 1 : 0, 0, NativePointer.Null);
        Say(output, $"   a callback returning 1 on the second row: {aborted} after {seen} rows");
        return rc == SqliteCode.Ok && rows.Count == Pioneers.Length && rows[0][0] == "Barbara Liskov" && columns is ["name", "born"]
            && count == "2" && aborted == SqliteCode.Abort && seen == 2;
    }

    private static bool QueryWithStatement(NativeModule sqlite, TextWriter output, NativePointer db)
    {
        Say(output, $"");
        Say(output, $"4. A prepared query: bind a parameter, step through the rows, read typed columns");
        var bindInt64 = sqlite.GetFunction<Func<NativePointer, int, long, SqliteCode>>("sqlite3_bind_int64");
        var step = sqlite.GetFunction<Func<NativePointer, SqliteCode>>("sqlite3_step");
        var columnCount = sqlite.GetFunction<Func<NativePointer, int>>("sqlite3_column_count");
        var columnName = sqlite.GetFunction<Func<NativePointer, int, string>>("sqlite3_column_name");
        var columnInt64 = sqlite.GetFunction<Func<NativePointer, int, long>>("sqlite3_column_int64");
        var columnText = sqlite.GetFunction<Func<NativePointer, int, string?>>("sqlite3_column_text");

        var query = PrepareStatement(sqlite, db, "SELECT id, name, born, known_for FROM pioneers WHERE born > ?1 ORDER BY born");
        var found = new List<string>();
        try
        {
            bindInt64(query, 1, 1900);
            int n = columnCount(query);
            Say(output, $"   born > 1900; {n} columns: {string.Join(", ", Enumerable.Range(0, n).Select(i => columnName(query, i)))}");
            SqliteCode rc;
            while ((rc = step(query)) == SqliteCode.Row)
            {
                long id = columnInt64(query, 0);
                string? name = columnText(query, 1);
                Say(output, $"   #{id} {name,-16} {columnInt64(query, 2)}  {columnText(query, 3)}");
                found.Add(name ?? "");
            }
            Say(output, $"   last step: {rc}, {found.Count} rows");
        }
        finally
        {
            FinalizeStatement(sqlite, query);
        }
        return found is ["Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"];
    }

    private static bool ReportErrors(NativeModule sqlite, TextWriter output, NativePointer db)
    {
        Say(output, $"");
        Say(output, $"5. Errors: messages from SQLite, and a handle of the wrong kind");
        var exec = sqlite.GetFunction<Exec>("sqlite3_exec");
        var errmsg = sqlite.GetFunction<Func<NativePointer, string>>("sqlite3_errmsg");

        // char **errmsg: SQLite allocates the message; it is ours to release with sqlite3_free.
        var mem = sqlite.Memory;
        var messageSlot = mem.New("string");
        var rc = exec(db, "SELECT * FROM nowhere", null, 0, messageSlot);
        var message = (NativePointer)mem.Get(messageSlot)!;
        string text = message.IsNull ? "(none)" : mem.String(message);
        sqlite.Invoke("sqlite3_free", message);
        mem.Free(messageSlot);
        Say(output, $"   SELECT * FROM nowhere: {rc}, errmsg \"{text}\", sqlite3_errmsg \"{errmsg(db)}\"");
        Say(output, $"   sqlite3_errstr(SQLITE_ABORT) = \"{sqlite.Invoke("sqlite3_errstr", (int)SqliteCode.Abort)}\"");

        // A connection is not a statement: the tags differ, and the call is refused before C is reached.
        var step = sqlite.GetFunction<Func<NativePointer, SqliteCode>>("sqlite3_step");
        string refused;
        try
        {
            step(db);
            refused = "accepted (it should not be)";
        }
        catch (FfiArgumentException e)
        {
            refused = e.Message;
        }
        Say(output, $"   sqlite3_step(db): {refused}");
        return rc == SqliteCode.Error && text == "no such table: nowhere" && refused.Contains("tagged \"sqlite3\"", StringComparison.Ordinal);
    }

    // sqlite3_prepare_v2 into a sqlite3_stmt * slot; the statement comes back tagged "sqlite3_stmt".
    private static NativePointer PrepareStatement(NativeModule sqlite, NativePointer db, string sql)
    {
        var prepare = sqlite.GetFunction<Prepare>("sqlite3_prepare_v2");
        var slot = sqlite.Memory.New("sqlite3_stmt");
        try
        {
            var rc = prepare(db, sql, -1, slot, NativePointer.Null);
            if (rc != SqliteCode.Ok)
                throw new InvalidOperationException($"sqlite3_prepare_v2: {rc}: {sqlite.Invoke("sqlite3_errmsg", db)}");
            return (NativePointer)sqlite.Memory.Get(slot)!;
        }
        finally
        {
            sqlite.Memory.Free(slot);
        }
    }

    private static void FinalizeStatement(NativeModule sqlite, NativePointer statement) =>
        sqlite.GetFunction<Func<NativePointer, SqliteCode>>("sqlite3_finalize")(statement);

    // char *[n] from C: each element UTF-8 text, NULL for SQL NULL.
    private static string?[] Texts(nint array, int n)
    {
        var texts = new string?[n];
        for (int i = 0; i < n; i++) texts[i] = Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(array, i * IntPtr.Size));
        return texts;
    }

    private static void Say(TextWriter output, FormattableString line) => output.WriteLine(FormattableString.Invariant(line));
}
