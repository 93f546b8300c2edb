#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Parse reStructuredText files with docutils and print every system
message of level WARNING or above, one per line: FILE:LINE: LEVEL: text.

The kernel builds its documentation with Sphinx, whose roles and
directives plain docutils does not know.  Those the kernel uses are
registered here as no-ops (their content is not checked), so that what
is left is what docutils itself finds: markup errors, bad tables, title
underlines, unknown or duplicate link targets.

usage: rst-check.py FILE...
"""
import sys

from docutils import nodes, utils
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles

SPHINX_ROLES = ("doc", "ref", "manpage", "c:func", "c:macro", "c:type",
                "c:data", "c:member", "c:struct", "c:enum", "c:expr",
                "kbd", "file", "envvar", "command", "option")
SPHINX_DIRECTIVES = ("toctree", "kernel-doc", "kernel-feat", "kernel-abi",
                     "only", "c:function", "c:macro", "c:type", "c:struct",
                     "code-block", "highlight", "seealso", "glossary",
                     "kernel-include")


def stub_role(name, rawtext, text, lineno, inliner, options=None,
              content=None):
    return [nodes.literal(rawtext, utils.unescape(text))], []


class StubDirective(Directive):
    has_content = True
    optional_arguments = 10
    final_argument_whitespace = True
    option_spec = None

    def run(self):
        return []


class AnyOptions(dict):
    def __getitem__(self, key):
        return directives.unchanged


StubDirective.option_spec = AnyOptions()
for r in SPHINX_ROLES:
    roles.register_local_role(r, stub_role)
for d in SPHINX_DIRECTIVES:
    directives.register_directive(d, StubDirective)


class Collect:
    def __init__(self, path):
        self.path = path
        self.msgs = []

    def write(self, text):
        text = text.strip()
        if text:
            self.msgs.append(text)

    def flush(self):
        pass


def main():
    bad = 0
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            src = f.read()
        out = Collect(path)
        publish_doctree(src, source_path=path, settings_overrides={
            "report_level": 2, "halt_level": 5, "warning_stream": out,
            "file_insertion_enabled": False, "raw_enabled": False})
        for m in out.msgs:
            print(m.splitlines()[0] if m else m)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
