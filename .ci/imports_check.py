"""Every module that labtasks and the notebooks import resolves in this environment (the Binder
leg runs only some chapters; this covers the imports of all of them)."""
import ast
import importlib.util
import sys
from pathlib import Path

root = Path(__file__).resolve().parent.parent
names = set()
for path in [*root.glob("labtasks/**/*.py"), *root.glob("notebooks/src/*.py")]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
missing = sorted(name for name in names if importlib.util.find_spec(name) is None)
print(f"{len(names)} top-level modules imported; missing here: {', '.join(missing) or 'none'}")
sys.exit(1 if missing else 0)
