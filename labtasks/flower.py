"""Flower started from the kernel: ``lab.flower()``, on 127.0.0.1 behind basic auth (user ``lab``, a
password per kernel). Behind jupyter-server-proxy its URL is ``<base>proxy/absolute/<port>/`` with the
same ``--url_prefix`` (static files load only so); ``LABTASKS_FLOWER_PROXY``: auto, on or off.
On Google Colab (``google.colab`` imported) a kernel's port reaches the browser only through Colab's
proxy, as an iframe in a cell's output: its new-tab link is deprecated (browsers partition storage)."""
import importlib.util
import os
import secrets
import sys
from html import escape

import requests

from . import display, settings
from .procs import LoggedChild, free_port

USER = "lab"
COLAB_NEW_TAB = ("Colab에서는 Flower가 이 셀의 출력 안에서만 열립니다. 새 탭에서는 열리지 않습니다: "
                 "Colab이 커널의 포트를 중계하는 주소는 노트북 안의 iframe에서만 통하고, "
                 "표의 127.0.0.1 주소는 Colab 서버 안의 주소라 내 브라우저에서는 닿지 않습니다. "
                 "REST API는 커널에서 부르세요(fl.api).")


def on_colab() -> bool:
    return "google.colab" in sys.modules


def jupyter_base_url() -> str:
    base = (os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
            or os.environ.get("LABTASKS_JUPYTER_BASE_URL") or "/")
    return "/" + base.strip("/") + "/" if base.strip("/") else "/"


def behind_proxy() -> bool:
    """Whether the learner's browser reaches this kernel's ports through jupyter-server-proxy."""
    mode = os.environ.get("LABTASKS_FLOWER_PROXY", "auto").strip().lower()
    if mode in ("on", "1", "yes", "true", "off", "0", "no", "false"):
        return mode in ("on", "1", "yes", "true")
    under_jupyter = bool(os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
                         or os.environ.get("JPY_SESSION_NAME"))
    return (under_jupyter and not on_colab()  # Colab has its own port proxy
            and importlib.util.find_spec("jupyter_server_proxy") is not None)


class Flower(display.Table, LoggedChild):
    name = "flower"
    stop_grace = 5.0
    headers = ["항목", "값"]
    text_headers = ["Flower", ""]
    caption = "Flower"

    def __init__(self, persistent: bool = False):
        self.port = free_port()
        self.proxy = behind_proxy()
        self.persistent = persistent
        self.db = settings.make_run_dir() / "flower.db"
        self.password = "fl-" + secrets.token_hex(10)  # the fl- prefix lets nbval mask it
        self.auth = (USER, self.password)
        self.log_path = settings.make_run_dir() / "flower.log"

    def same(self, persistent: bool) -> bool:  # still running, as lab.flower() now asks?
        return self.alive() and self.proxy == behind_proxy() and self.persistent == persistent

    @property
    def prefix(self) -> str:
        """Flower's ``--url_prefix`` (empty without the proxy)."""
        return f"{jupyter_base_url()}proxy/absolute/{self.port}".strip("/") if self.proxy else ""

    @property
    def local_url(self) -> str:
        """The URL from this machine (the kernel, a terminal, a local browser)."""
        return f"http://127.0.0.1:{self.port}/" + (self.prefix + "/" if self.prefix else "")

    @property
    def url(self) -> str:
        """The URL for the learner's browser: the proxy path under Jupyter, else the local URL."""
        return "/" + self.prefix + "/" if self.proxy else self.local_url

    def argv(self) -> list[str]:
        args = [sys.executable, "-m", "celery", "-A", "labtasks", "flower",
                "--address=127.0.0.1", f"--port={self.port}"]
        args += [f"--url_prefix={self.prefix}"] if self.prefix else []
        if self.persistent:
            args += ["--persistent=True", f"--db={self.db}", "--state_save_interval=1000"]
        return args

    def command(self) -> str:
        """The same Flower as a terminal command (the password passed as an option)."""
        return " ".join(["celery", *self.argv()[3:], f"--basic-auth={USER}:<비밀번호>"])

    def start(self) -> "Flower":
        # the password travels in the environment (FLOWER_BASIC_AUTH = --basic-auth), so that
        # `ps` on a shared machine does not show it
        env = settings.child_env()
        env["FLOWER_BASIC_AUTH"] = f"{USER}:{self.password}"
        env.pop("FLOWER_UNAUTHENTICATED_API", None)
        self._spawn(self.argv(), kind="flower", env=env)

        def healthy():  # answering, and its event receiver connected (it logs "Connected to")
            try:
                return (b"] Connected to " in self.log_path.read_bytes()
                        and requests.get(self.local_url + "healthcheck", timeout=1).text == "OK")
            except requests.ConnectionError:
                return False
        self._wait(healthy, "Flower", "healthcheck 응답", interval=0.05)
        return self

    def api(self, path: str, method: str = "GET", **kwargs):
        """Call Flower's REST API (``path`` like ``"workers"``); return the decoded JSON."""
        reply = requests.request(method, self.local_url + "api/" + path.lstrip("/"),
                                 auth=self.auth, **{"timeout": 10, **kwargs})
        reply.raise_for_status()
        return reply.json()

    def rows(self) -> list[list[str]]:
        return [["주소", self.url], ["사용자", USER], ["비밀번호", self.password],
                ["상태", "실행 중" if self.alive() else "멈춤"],
                ["저장", f"영구 모드 ({self.db.name})" if self.persistent else "메모리"]]

    def _repr_html_(self):
        table = super()._repr_html_()
        if on_colab():  # Colab's iframe goes in this cell's output, a display of its own
            if not self.alive():
                return table
            from google.colab import output
            output.serve_kernel_port_as_iframe(self.port, path="/", height="480")
            return table + f"<p>{escape(COLAB_NEW_TAB)}</p>"
        link = f"<p><a href='{escape(self.url)}' target='_blank'>새 탭에서 Flower 열기</a></p>"
        frame = display.Frame(self.url, 480)._repr_html_() if self.alive() else ""
        return table + link + frame

