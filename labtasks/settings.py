"""Where the broker and the result backend are.

``CELERY_BROKER_URL`` / ``CELERY_RESULT_BACKEND`` win when set (compose, the RabbitMQ leg of CI).
Otherwise the course uses an embedded Redis that belongs to this process: its address is fixed
when the module is imported, so the app can be configured before the server is started.
"""
import os
import socket
import tempfile
from pathlib import Path

from .procinfo import incarnation

#: Unix socket paths longer than this do not fit in ``sockaddr_un`` on every platform.
_MAX_SOCKET_PATH = 100


def runtime_root() -> Path:
    """The private folder (mode 0700) that holds one sub-folder per kernel."""
    root = Path(tempfile.gettempdir()) / f"labtasks-{os.getuid()}"
    root.mkdir(mode=0o700, exist_ok=True)
    os.chmod(root, 0o700)
    return root


def run_dir(create: bool = True) -> Path:
    """This process's run folder: Redis socket, logs, the record of started processes.

    Named ``pid-starttime``, so a later process that gets the same pid has another folder.
    """
    path = runtime_root() / incarnation(os.getpid())
    if create:
        path.mkdir(mode=0o700, exist_ok=True)
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _embedded_address() -> tuple[str, str | int]:
    sock = run_dir(create=False) / "redis.sock"
    if hasattr(socket, "AF_UNIX") and len(str(sock)) <= _MAX_SOCKET_PATH:
        return "unix", str(sock)
    return "tcp", _free_port()


def _url_for(address: tuple[str, str | int]) -> str:
    kind, where = address
    return f"redis+socket://{where}" if kind == "unix" else f"redis://127.0.0.1:{where}/0"


#: True when the environment names a broker: this process then starts no Redis of its own.
EXTERNAL_BROKER = bool(os.environ.get("CELERY_BROKER_URL"))
#: True when workers are run by someone else (docker compose): the lab only checks for them.
EXTERNAL_WORKERS = os.environ.get("LABTASKS_WORKERS", "").lower() == "external"

EMBEDDED_ADDRESS = None if EXTERNAL_BROKER else _embedded_address()
BROKER_URL = os.environ.get("CELERY_BROKER_URL") or _url_for(EMBEDDED_ADDRESS)
RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or (
    BROKER_URL if BROKER_URL.startswith("redis") else "rpc://")


def child_env() -> dict[str, str]:
    """The environment for a process that must reach this kernel's broker and backend."""
    env = dict(os.environ, CELERY_BROKER_URL=BROKER_URL, CELERY_RESULT_BACKEND=RESULT_BACKEND)
    # compose's shared log folder is for the compose workers; the kernel's own log to their file
    env.pop("LABTASKS_WORKER_LOG_DIR", None)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env
