#!/usr/bin/env python3
"""Draws the benchmark charts of docs/benchmarks.md as SVG, from small CSV files (python3 standard library only).

usage: python3 scripts/benchmark-chart.py [--data DIR] [--out DIR]
       (defaults: docs/data/ and docs/ of this repository)

Reads DIR/calls.csv (columns function,path,ns: one row per way of calling one C function) and DIR/callbacks.csv
(columns comparator,ms: qsort of a million ints per comparator). Lines starting with '#' are notes: the first one
becomes the chart's subtitle (what was measured, where, when). Writes OUT/benchmarks-calls.svg (a group of horizontal
bars per function, one bar per path, all on one scale) and OUT/benchmarks-callbacks.svg (one bar per comparator).
Each bar is a <rect class="bar">; the output depends only on the CSV, so a regenerated chart diffs cleanly.
"""
import argparse
import csv
import math
import os
from xml.sax.saxutils import escape

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WIDTH = 860
LABEL_W = 300          # the column of path names, left of the bars
BAR_H = 18
BAR_GAP = 5
GROUP_GAP = 18
TOP = 62               # title and subtitle
VALUE_W = 70           # room right of the longest bar for its value
FONT = "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""

# One colour per kind of path, the same in every group; kinds not listed take the fallback colours in turn.
COLOURS = [
    ("floor", "#8c8c8c"),
    ("comparator in c", "#8c8c8c"),
    ("libffi", "#e08a2c"),
    ("trivial", "#2e9e5b"),
    ("pre-boxed", "#b9a3d6"),
    ("object", "#8e6cc0"),
    ("ffivalue", "#2aa1a8"),
    ("dynamic", "#8e6cc0"),
    ("typed", "#2f6db3"),
    ("unmanagedcallersonly", "#5f5f5f"),
    ("marshal", "#c0504d"),
]
FALLBACK = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860"]


def read(path, columns):
    """The note (first '#' line, or '') and the rows of a CSV whose header is `columns`."""
    with open(path, newline="", encoding="utf-8") as f:
        lines = f.read().splitlines()
    notes = [l.lstrip("#").strip() for l in lines if l.startswith("#")]
    body = [l for l in lines if l.strip() and not l.startswith("#")]
    reader = csv.reader(body)
    header = next(reader)
    if [h.strip() for h in header] != columns:
        raise SystemExit(f"{path}: expected the columns {','.join(columns)}, found {','.join(header)}")
    rows = []
    for n, row in enumerate(reader, start=2):
        if len(row) != len(columns):
            raise SystemExit(f"{path}: row {n} has {len(row)} fields, expected {len(columns)}: {row}")
        rows.append(row[:-1] + [float(row[-1])])
    return (notes[0] if notes else ""), rows


def colour(name, assigned):
    key = name.lower()
    for word, c in COLOURS:
        if word in key:
            return c
    if name not in assigned:
        assigned[name] = FALLBACK[len(assigned) % len(FALLBACK)]
    return assigned[name]


def axis(value):
    """A round axis end at or above `value` and its tick step (1, 2, 2.5 or 5 times a power of ten)."""
    rough = value / 5
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    return step * math.ceil(value / step), step


def fmt(v):
    return f"{v:,.1f}"


def chart(title, note, unit, groups):
    """SVG text: `groups` is a list of (group title or None, [(label, value)])."""
    vmax, step = axis(max(v for _, bars in groups for _, v in bars))
    plot_w = WIDTH - LABEL_W - VALUE_W - 20
    scale = plot_w / vmax
    out = []
    y = TOP
    assigned = {}
    for name, bars in groups:
        if name is not None:
            out.append(f'<text x="12" y="{y + 13}" font-size="14" font-weight="bold" {FONT}>{escape(name)}</text>')
            y += 22
        for label, value in bars:
            w = max(1.0, value * scale)
            out.append(f'<text x="{LABEL_W - 8}" y="{y + 13}" font-size="12" text-anchor="end" {FONT}>{escape(label)}</text>')
            out.append(f'<rect class="bar" x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H}" fill="{colour(label, assigned)}">'
                       f'<title>{escape(label)}: {fmt(value)} {unit}</title></rect>')
            out.append(f'<text x="{LABEL_W + w + 6:.1f}" y="{y + 13}" font-size="12" {FONT}>{fmt(value)} {unit}</text>')
            y += BAR_H + BAR_GAP
        y += GROUP_GAP
    # Grid lines and the axis labels, drawn before the bars so the bars cover them.
    grid = []
    for i in range(round(vmax / step) + 1):
        v = step * i
        x = LABEL_W + v * scale
        grid.append(f'<line x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" y2="{y - GROUP_GAP + 2}" stroke="#e3e3e3" stroke-width="1"/>')
        grid.append(f'<text x="{x:.1f}" y="{y - GROUP_GAP + 16}" font-size="11" text-anchor="middle" fill="#666" {FONT}>'
                    f'{v:g}</text>')
    height = y - GROUP_GAP + 28
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}">',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="12" y="24" font-size="17" font-weight="bold" {FONT}>{escape(title)}</text>',
        f'<text x="12" y="44" font-size="12" fill="#555" {FONT}>{escape(note)}</text>',
    ]
    return "\n".join(head + grid + out + ["</svg>", ""])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(ROOT, "docs", "data"), help="folder with calls.csv and callbacks.csv")
    parser.add_argument("--out", default=os.path.join(ROOT, "docs"), help="folder the SVG files are written to")
    args = parser.parse_args()

    note, rows = read(os.path.join(args.data, "calls.csv"), ["function", "path", "ns"])
    groups = []
    for function, path, ns in rows:
        if not groups or groups[-1][0] != function:
            groups.append((function, []))
        groups[-1][1].append((path, ns))
    calls = chart("What one call costs (ns per call, lower is better)", note, "ns", groups)

    note, rows = read(os.path.join(args.data, "callbacks.csv"), ["comparator", "ms"])
    callbacks = chart("qsort of 1,000,000 ints with a comparator (ms per sort, lower is better)", note, "ms",
                      [(None, [(name, ms) for name, ms in rows])])

    os.makedirs(args.out, exist_ok=True)
    for name, text in (("benchmarks-calls.svg", calls), ("benchmarks-callbacks.svg", callbacks)):
        path = os.path.join(args.out, name)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print(path)


if __name__ == "__main__":
    main()
