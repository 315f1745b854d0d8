"""The learner's own project run from the kernel: its folder (``lab.project()``) and its Flask app
served on 127.0.0.1 (``lab.web("app:app")``); its worker is ``lab.worker("mine", app="worker")``."""
import os
import sys
from pathlib import Path

import requests

from . import display, settings
from .flower import behind_proxy, jupyter_base_url, on_colab
from .procs import LoggedChild, free_port


def code_stamp(folder: Path) -> tuple:
    """Changes whenever a ``.py`` file of ``folder`` does: a rewritten module means a restart."""
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in Path(folder).glob("*.py")))


def project_env(folder: Path) -> dict[str, str]:
    """The lab's child environment with ``folder`` first on the module path."""
    env = settings.child_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder), env.get("PYTHONPATH")]))
    return env


class Project(display.Message):
    """The project folder, made on first use; the kernel works in it (``%%writefile``, imports,
    ``!celery -A worker …``). ``LABTASKS_PROJECT_ROOT`` names where it goes (default: here)."""

    def __new__(cls, name: str):
        root = Path(os.environ.get("LABTASKS_PROJECT_ROOT") or os.getcwd())
        self = super().__new__(cls, f"이 커널은 이제 프로젝트 폴더 {name}에서 일합니다.")
        self.path = root / name
        return self

    def enter(self) -> "Project":
        self.path.mkdir(parents=True, exist_ok=True)
        os.chdir(self.path)
        if str(self.path) not in sys.path:
            sys.path.insert(0, str(self.path))
        return self


class WebServer(display.Table, LoggedChild):
    """A WSGI app of the project (``module:variable``) served by ``flask run`` from the kernel."""

    name = "web"
    stop_grace = 5.0
    headers = ["항목", "값"]
    text_headers = ["웹 앱", ""]
    caption = "웹 앱"

    def __init__(self, target: str, folder: Path):
        self.target = target
        self.folder = Path(folder)
        self.stamp = code_stamp(folder)
        self.port = free_port()
        self.log_path = settings.make_run_dir() / "web.log"

    @property
    def url(self) -> str:  # from this machine
        return f"http://127.0.0.1:{self.port}/"

    @property
    def browser_url(self) -> str:  # from the learner's browser (through the Jupyter proxy if any)
        return f"{jupyter_base_url()}proxy/{self.port}/" if behind_proxy() else self.url

    def page(self, height: int = 90) -> display.Frame | None:
        """The app's own page (``/``) in the cell's output; on Colab, through Colab's port iframe."""
        if on_colab():
            from google.colab import output
            output.serve_kernel_port_as_iframe(self.port, path="/", height=str(height))
            return None
        return display.Frame(self.browser_url, height)

    def same(self, target: str, folder: Path) -> bool:
        return (self.alive() and (self.target, self.folder) == (target, Path(folder))
                and self.stamp == code_stamp(folder))

    def start(self) -> "WebServer":
        argv = [sys.executable, "-m", "flask", "--app", self.target, "run", "--no-reload",
                "--host", "127.0.0.1", "--port", str(self.port)]
        self._spawn(argv, kind="web", env=project_env(self.folder), cwd=self.folder)

        def answers():  # any HTTP answer, even 404, means it serves
            try:
                return requests.get(self.url, timeout=1) is not None
            except requests.ConnectionError:
                return False
        self._wait(answers, f"웹 앱 {self.target}", "HTTP 응답", interval=0.05)
        return self

    def rows(self):
        return [["앱", self.target], ["주소", self.url],
                ["상태", "실행 중" if self.alive() else "멈춤"]]
