"""Every module that labtasks and the notebooks import resolves in this environment (the Binder
leg runs only some chapters; this covers the imports of all of them). A notebook's code cells are
read as the kernel runs them: shell (`!`) and magic (`%`) lines left out, a `%%writefile` cell read
only when it writes a Python file (the learner's project), any other cell magic skipped. The
modules those cells write, and Colab's own `google.colab` (imported only on Colab), are not looked for."""
import ast
import importlib.util
import json
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent


def python_of(cell: str) -> str:
    lines = cell.splitlines()
    if lines and lines[0].startswith("%%"):
        magic = lines[0].split()
        if magic[0] != "%%writefile" or not magic[-1].endswith(".py"):
            return ""
        written.add(Path(magic[-1]).stem)
        lines = lines[1:]
    return "\n".join(line for line in lines if not line.lstrip().startswith(("!", "%")))


written = {"google"}  # google.colab: imported by labtasks.flower on Colab only
sources = [path.read_text(encoding="utf-8") for path in root.glob("labtasks/**/*.py")]
for path in sorted(root.glob("notebooks/*.ipynb")):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    sources += [python_of("".join(c["source"])) for c in cells if c["cell_type"] == "code"]
names = set()
for source in sources:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
missing = sorted(name for name in names - written if importlib.util.find_spec(name) is None)
print(f"{len(names)} top-level modules imported; missing here: {', '.join(missing) or 'none'}")
sys.exit(1 if missing else 0)
