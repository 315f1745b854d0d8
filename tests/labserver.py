"""A real Jupyter server (or JupyterLab) for the tests, started with a token, stopped by PID."""
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from labtasks.procs import free_port

ROOT = Path(__file__).resolve().parent.parent


def clean_env(**extra) -> dict:
    """This environment without Celery or lab settings (the embedded default), plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CELERY_", "LABTASKS_", "JUPYTERHUB_", "JPY_"))}
    env.update(extra)
    return env


class Server:
    def __init__(self, url: str, token: str, proc: subprocess.Popen, log: Path):
        self.url, self.token, self.proc, self.log = url, token, proc, log

    def get(self, path: str, **kwargs) -> requests.Response:
        """GET with Jupyter's token in the query (the Authorization header may carry a proxied
        service's own basic auth)."""
        params = {"token": self.token, **kwargs.pop("params", {})}
        return requests.get(self.url + path.lstrip("/"), params=params, timeout=10,
                            allow_redirects=False, **kwargs)


@contextlib.contextmanager
def jupyter(tmp_path: Path, app: str = "jupyter_server", env: dict | None = None,
            ready_timeout: float = 60.0, wrapper: list[str] = (), root_dir: Path = ROOT):
    """Run ``python -m <app>`` (jupyter_server or jupyterlab) on a free 127.0.0.1 port.

    ``wrapper`` goes in front of the command (``binder/start`` ends with ``exec "$@"``)."""
    port, token = free_port(), secrets.token_hex(16)
    log = tmp_path / f"{app}.log"
    argv = [*map(str, wrapper), sys.executable, "-m", app, "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
            "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
            "jupyterlab.NeverCheckForUpdate"]
    if os.geteuid() == 0:  # CI containers run as root
        argv.append("--allow-root")
    env = dict(env or clean_env())
    env.setdefault("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    with open(log, "ab") as out:
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}/", token, proc, log)
    try:
        began = time.monotonic()
        while True:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                if server.get("api/status").status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() - began < ready_timeout, log.read_text()[-3000:]
            time.sleep(0.2)
        yield server
    finally:
        stop(proc)


def stop(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM the process's session (a Jupyter server shuts its kernels down), then SIGKILL."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(5)
