#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sort the KCSAN reports of a guest log into the series' and the base's.

A report is the series' when a function the series adds or changes (a hunk
header or a new definition in its kernel C sources, not tools/) is one of
the report's frames.  Prints one line per series report and one per
distinct base report; exits 1 if the series has any.

usage: kcsan-sort.py LOG PATCH...
"""
import re
import sys


def series_functions(patches):
    fns = set()
    for p in patches:
        kernel_c = False
        for line in open(p, errors="replace"):
            if line.startswith("diff --git "):
                path = line.split()[2][2:]
                kernel_c = (not path.startswith(("tools/", "Documentation/"))
                            and path.endswith((".c", ".h")))
                continue
            if not kernel_c:
                continue
            m = re.match(r"@@ [^@]*@@ .*?[ *]([a-z_][a-z0-9_]*)\(", line)
            if m:
                fns.add(m.group(1))
                continue
            m = re.match(r"\+[a-z].*?[ *]([a-z_][a-z0-9_]*)\([^;]*$", line)
            if m:
                fns.add(m.group(1))
    return fns


def main():
    log, patches = sys.argv[1], sys.argv[2:]
    fns = series_functions(patches)
    mine, base = [], {}
    title, frames = None, []
    for line in open(log, errors="replace"):
        line = re.sub(r"^(<\d>)?\[\s*[\d.]+\]\s*", "", line.rstrip("\n"))
        m = re.search(r"BUG: KCSAN: (.*)", line)
        if m:
            title, frames = m.group(1), []
            continue
        if title is None:
            continue
        if line.startswith("Reported by Kernel Concurrency Sanitizer") or line.startswith("====="):
            hit = [f for f in frames if f in fns]
            if hit:
                mine.append("%s (series function %s)" % (title, hit[0]))
            else:
                base[title] = base.get(title, 0) + 1
            title = None
            continue
        m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_.]*)\+0x", line)
        if m:
            frames.append(m.group(1).split(".")[0])
    for t in mine:
        print("kcsan series: " + t)
    for t, n in sorted(base.items()):
        print("kcsan base: %s (x%d)" % (t, n))
    print("kcsan: %d report(s) of the series, %d of the base kernel (%d distinct)"
          % (len(mine), sum(base.values()), len(base)))
    return 1 if mine else 0


if __name__ == "__main__":
    sys.exit(main())
