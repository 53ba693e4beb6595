#!/usr/bin/env python3
"""Turns Ffi.Benchmarks' BenchmarkDotNet CSV into the Markdown tables of docs/benchmarks.md.

usage: scripts/benchmark-table.py [REPORT.csv ...]
       (default: BenchmarkDotNet.Artifacts/results/Ffi.Benchmarks.CallBenchmarks-report.csv and
        ...CallbackBenchmarks-report.csv, those that exist)

Calls: one table per category (the function called), one row per way of calling it, with the mean, its ratio to
the category's [DllImport]-from-a-non-inlined-method row (the P/Invoke frame floor), and the bytes allocated per call.
Callbacks: one table, qsort of a million ints per comparator, with the ratio to the static [UnmanagedCallersOnly] one.
"""
import os
import csv
import sys

PATHS = [  # method suffix -> what the row is called in the docs
    ("DllImport", "`[DllImport]`, inlined into the caller"),
    ("DllImportNoInline", "`[DllImport]` from a non-inlined method (the floor)"),
    ("FunctionPointer", "`delegate* unmanaged`"),
    ("MarshalDelegate", "`Marshal.GetDelegateForFunctionPointer`"),
    ("LibFfi", "libffi `ffi_call` via P/Invoke"),
    ("EngineTyped", "**Ffi typed stub** (`GetFunction<T>`)"),
    ("EngineTypedTrivial", "**Ffi typed stub, `\"trivial\": true`**"),
    ("EngineFfiValue", "**Ffi `Invoke(ReadOnlySpan<FfiValue>)`**"),
    ("EngineInvoke", "**Ffi `Invoke(object?[])`**"),
    ("EngineInvokePreboxed", "**Ffi `Invoke(object?[])`**, arguments already boxed"),
]
CALLBACKS = [  # CallbackBenchmarks method -> row name
    ("C", "comparator in C (no managed code)"),
    ("UnmanagedCallersOnly", "static `[UnmanagedCallersOnly]` method (the baseline)"),
    ("MarshalDelegate", "`Marshal.GetFunctionPointerForDelegate`"),
    ("EngineTyped", "**Ffi typed trampoline** (`Func<nint, nint, int>`)"),
    ("EngineDynamic", "**Ffi dynamic handler** (`FfiCallbackHandler`)"),
]
TITLES = {
    "AddInt": "add(int, int)",
    "AddDouble": "add(double, double)",
    "Sum6": "sum of six int64 arguments",
    "Strlen": "strlen(string) — a 16-character string, converted to UTF-8 per call",
    "Struct": "a 16-byte struct {int64, int64} by value",
}


def nanoseconds(text):
    value, unit = text.replace(",", "").split()
    return float(value) * {"ns": 1, "us": 1e3, "μs": 1e3, "ms": 1e6, "s": 1e9}[unit]


def allocated_text(row):
    allocated = row.get("Allocated", "-")
    return "0 B" if allocated in ("-", "0 B") else allocated


def table(title, header, rows_by_key, keys, base, unit, scale):
    """One Markdown table: a row per (key, name) present, mean in `unit` (ns / `scale`), ratio to `base` ns."""
    print(f"### {title}\n")
    print(f"| {header} | mean | × {('floor' if unit == 'ns' else 'static UnmanagedCallersOnly')} | allocated |")
    print("|---|---:|---:|---:|")
    for key, name in keys:
        row = rows_by_key.get(key)
        if row is None:
            continue
        mean = nanoseconds(row["Mean"])
        print(f"| {name} | {mean / scale:.1f} {unit} | {mean / base:.2f} | {allocated_text(row)} |")
    print()


def callbacks(rows):
    methods = {row["Method"]: row for row in rows}
    base = nanoseconds(methods["UnmanagedCallersOnly"]["Mean"])
    table("qsort of 1,000,000 ints: the comparator", "comparator", methods, CALLBACKS, base, "ms", 1e6)


def calls(rows):
    by_category = {}
    for row in rows:
        category, _, suffix = row["Method"].partition("_")
        by_category.setdefault(category, {})[suffix] = row
    for category in ["AddInt", "AddDouble", "Sum6", "Strlen", "Struct"]:
        methods = by_category.get(category)
        if methods:
            table(TITLES[category], "path", methods, PATHS, nanoseconds(methods["DllImportNoInline"]["Mean"]), "ns", 1)


def main():
    default = "BenchmarkDotNet.Artifacts/results/Ffi.Benchmarks.{}-report.csv"
    paths = sys.argv[1:] or [p for p in (default.format("CallBenchmarks"), default.format("CallbackBenchmarks")) if os.path.exists(p)]
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        if any(row["Method"] == "UnmanagedCallersOnly" for row in rows):
            callbacks(rows)
        else:
            calls(rows)


if __name__ == "__main__":
    main()
