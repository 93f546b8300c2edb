#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Keep the objtool warnings of an object tree across incremental builds.

objtool only speaks about the objects a build (re)compiles, so one build
log of an incremental build is not the tree's full list.  The state file
maps each object to the warnings of the last build that produced it; a
build log replaces the entries of every object it built ("CC x.o" and
friends, vmlinux.o on each link).  Writes the merged list, one warning a
line, sorted, with the function offsets (+0x..) dropped so that vanilla and
patched lists compare by content.

usage: objtool-collect.py BUILD.LOG STATE.json OUT.log
"""
import json
import os
import re
import sys

log, state_path, out_path = sys.argv[1:4]
state = {}
if os.path.exists(state_path):
    with open(state_path) as f:
        state = json.load(f)

built = set()
warn = {}
step = re.compile(r'^\s+(CC|AS|LD|AR|OBJTOOL|CC \[M\])\s+(\S+\.o)\s*$')
objw = re.compile(r'^(\S+\.o): warning: objtool: (.*)$')
with open(log, errors='replace') as f:
    for line in f:
        line = line.rstrip('\n')
        m = step.match(line)
        if m:
            built.add(m.group(2))
            continue
        m = objw.match(line)
        if m:
            obj, msg = m.groups()
            msg = re.sub(r'\+0x[0-9a-f]+', '', msg)
            built.add(obj)
            warn.setdefault(obj, []).append(msg)

for obj in built:
    if obj in warn:
        state[obj] = sorted(set(warn[obj]))
    else:
        state.pop(obj, None)

with open(state_path, 'w') as f:
    json.dump(state, f, indent=1, sort_keys=True)
with open(out_path, 'w') as f:
    for obj in sorted(state):
        for msg in state[obj]:
            f.write(f'{obj}: warning: objtool: {msg}\n')
