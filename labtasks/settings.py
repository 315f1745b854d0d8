"""Where the broker and the result backend are, decided when asked; nothing is created here.
``CELERY_BROKER_URL`` / ``CELERY_RESULT_BACKEND`` win when set (compose, CI's RabbitMQ leg, every
worker the lab starts); otherwise the kernel runs its own Redis on a socket in its run folder."""
import os
import tempfile
import zlib
from pathlib import Path

import psutil


def runtime_root() -> Path:
    """The private folder of the run folders; under /tmp, named after TMPDIR, when TMPDIR's path
    would make the Redis socket's too long for a unix socket (about 104 bytes)."""
    base = Path(tempfile.gettempdir())
    if len(str(base)) <= 50:
        return base / f"labtasks-{os.getuid()}"
    return Path("/tmp") / f"labtasks-{os.getuid()}-{zlib.crc32(str(base).encode()):08x}"


def incarnation(pid: int) -> str | None:
    """``pid-starttime``: names one process and no later one that reuses its pid."""
    try:
        return f"{pid}-{int(psutil.Process(pid).create_time() * 100)}"
    except psutil.NoSuchProcess:
        return None


def run_dir() -> Path:
    """This process's run folder: Redis socket, logs, the record of started processes."""
    return runtime_root() / incarnation(os.getpid())


def make_run_dir() -> Path:
    """Create the run folder (and its parent) with mode 0700, when something is started."""
    path = run_dir()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    return path


def broker_from_env() -> str | None:
    """The broker the environment names, if any (then the kernel starts no Redis)."""
    return os.environ.get("CELERY_BROKER_URL") or None


def workers_are_external() -> bool:
    """True when somebody else runs the workers (docker compose): the lab looks for them first."""
    return os.environ.get("LABTASKS_WORKERS", "").lower() == "external"


def embedded_socket() -> Path:
    return run_dir() / "redis.sock"


def broker_url() -> str:
    return broker_from_env() or f"redis+socket://{embedded_socket()}"


def result_backend() -> str:
    """The environment's backend, else the broker when it is Redis, else Celery's rpc://."""
    broker = broker_url()
    if os.environ.get("CELERY_RESULT_BACKEND"):
        return os.environ["CELERY_RESULT_BACKEND"]
    return broker if broker.startswith("redis") else "rpc://"


def child_env() -> dict[str, str]:
    """The environment for a process that must reach this kernel's broker and backend."""
    env = dict(os.environ, CELERY_BROKER_URL=broker_url(), CELERY_RESULT_BACKEND=result_backend())
    # compose's shared log folder is for the compose workers; the kernel's own log elsewhere
    env.pop("LABTASKS_WORKER_LOG_DIR", None)
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env
