#!/usr/bin/env python3
"""Turns Ffi.Benchmarks' BenchmarkDotNet CSV into the Markdown tables of docs/benchmarks.md.

usage: scripts/benchmark-table.py [BenchmarkDotNet.Artifacts/results/Ffi.Benchmarks.CallBenchmarks-report.csv]

One table per category (the function called), one row per way of calling it, with the mean, its ratio to the
category's [DllImport]-from-a-non-inlined-method row (the P/Invoke frame floor), and the bytes allocated per call.
"""
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
    return float(value) * {"ns": 1, "us": 1e3, "μs": 1e3, "ms": 1e6}[unit]


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "BenchmarkDotNet.Artifacts/results/Ffi.Benchmarks.CallBenchmarks-report.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by_category = {}
    for row in rows:
        category, _, suffix = row["Method"].partition("_")
        by_category.setdefault(category, {})[suffix] = row
    for category in ["AddInt", "AddDouble", "Sum6", "Strlen", "Struct"]:
        methods = by_category.get(category)
        if not methods:
            continue
        floor = nanoseconds(methods["DllImportNoInline"]["Mean"])
        print(f"### {TITLES[category]}\n")
        print("| path | mean | × floor | allocated |")
        print("|---|---:|---:|---:|")
        for suffix, name in PATHS:
            row = methods.get(suffix)
            if row is None:
                continue
            mean = nanoseconds(row["Mean"])
            allocated = row.get("Allocated", "-")
            print(f"| {name} | {mean:.1f} ns | {mean / floor:.2f} | {'0 B' if allocated in ('-', '0 B') else allocated} |")
        print()


if __name__ == "__main__":
    main()
