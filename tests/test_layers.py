"""The package stays small and layered: no import cycle (function-level imports included), the
line budget of its machinery, no file over 300 lines, and no hand-read /proc anywhere."""
import re

import grimp

from conftest import ROOT

PACKAGE = ROOT / "labtasks"
#: tasks and the chapters' kernel-side experiments are the course; the rest is machinery
COURSE = ("tasks", "chapters", "checks")


def test_no_import_cycle():
    graph = grimp.build_graph("labtasks")
    state: dict[str, str] = {}

    def visit(module, path):
        state[module] = "open"
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(imported) == "open":
                raise AssertionError("import cycle: " + " -> ".join(path + [module, imported]))
            if imported not in state:
                visit(imported, path + [module])
        state[module] = "done"

    for module in sorted(graph.modules):
        if module not in state:
            visit(module, [])


def _lines(path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_line_budget():
    files = sorted(PACKAGE.rglob("*.py"))
    machinery = sum(_lines(f) for f in files if f.relative_to(PACKAGE).parts[0] not in COURSE)
    assert machinery <= 2000, f"machinery has {machinery} lines (budget 2000)"
    too_long = {str(f.relative_to(ROOT)): _lines(f) for f in files if _lines(f) > 300}
    assert not too_long, too_long


def test_nothing_reads_proc_by_hand():
    """Process facts come from psutil (inside the package, the benchmark and the tests)."""
    pattern = re.compile(r"""["'/]proc/""")
    me = __file__
    found = [str(p.relative_to(ROOT)) for folder in ("labtasks", "tests", "benchmarks", "tools")
             for p in (ROOT / folder).rglob("*.py")
             if str(p) != me and pattern.search(p.read_text(encoding="utf-8"))]
    assert not found, found
