"""``python -m labtasks up|status|worker|down``: the lab's operations from a terminal."""
import argparse
import contextlib
import os
import signal
import sys

from . import procs, settings
from .app import app
from .errors import LabError
from .handle import lab
from .waiting import wait_until
from .workers import checked_spec

PIDFILE = "up.pid"


def cmd_up(args) -> int:
    print(lab.up())
    for item in args.worker:
        name, _, queues = item.partition(":")
        print(lab.worker(name, queues=(queues or "celery").split(","), pool=args.pool,
                         concurrency=args.concurrency))
    settings.make_run_dir()
    (settings.runtime_root() / PIDFILE).write_text(settings.incarnation(os.getpid()))
    print(f"\n다른 터미널에서 쓰려면:\n  export CELERY_BROKER_URL={settings.broker_url()}\n"
          f"  export CELERY_RESULT_BACKEND={settings.result_backend()}\n\n멈추려면 Ctrl-C.",
          flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
    finally:
        lab.down()
        (settings.runtime_root() / PIDFILE).unlink(missing_ok=True)
    return 0


def cmd_status(args) -> int:
    print(lab.status())
    try:
        replies = app.control.inspect(timeout=1.0).active_queues() or {}
    except Exception as exc:  # whatever the transport raises, say it plainly
        print(f"브로커에 연결할 수 없습니다: {exc}")
        return 1
    if not replies:
        print("응답한 워커가 없습니다.")
    for node, queues in sorted(replies.items()):
        print(f"{node}: {', '.join(sorted(q['name'] for q in queues))}")
    return 0


def cmd_worker(args) -> int:
    try:
        spec = checked_spec(args.name, args.queues.split(","), args.pool, args.concurrency,
                            args.loglevel)
    except LabError as exc:
        print(exc, file=sys.stderr)
        return 2
    # a new interpreter: gevent must patch the standard library before anything imports it
    os.execv(sys.executable, [sys.executable, "-m", "labtasks.worker_main", *spec.args()])


def cmd_down(args) -> int:
    pidfile = settings.runtime_root() / PIDFILE
    if pidfile.exists():
        owner = pidfile.read_text().strip()
        pid = int(owner.split("-")[0])
        if settings.incarnation(pid) == owner:
            os.kill(pid, signal.SIGTERM)
            # a zombie counts as stopped (psutil.wait_procs would wait out its 10 s for it)
            with contextlib.suppress(TimeoutError):
                wait_until(lambda: not procs.alive(pid), 10, "up 종료")
            print(f"`python -m labtasks up`(pid {pid})을 멈췄습니다.")
        pidfile.unlink(missing_ok=True)
    for line in procs.reap():
        print(f"정리함: {line}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labtasks", description="Celery Lab 실습 도구")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="내장 Redis(와 워커)를 띄우고 Ctrl-C까지 기다립니다")
    up.add_argument("--worker", action="append", default=[], metavar="NAME[:QUEUE,…]")
    up.add_argument("--pool", default="prefork")
    up.add_argument("--concurrency", "-c", type=int, default=2)
    sub.add_parser("status", help="브로커와 응답하는 워커를 보여 줍니다")
    worker = sub.add_parser("worker", help="워커 하나를 포그라운드로 실행합니다")
    worker.add_argument("name", nargs="?", default="w1")
    worker.add_argument("-Q", "--queues", default="celery")
    worker.add_argument("-P", "--pool", default="prefork")
    worker.add_argument("-c", "--concurrency", type=int, default=2)
    worker.add_argument("-l", "--loglevel", default="INFO")
    sub.add_parser("down", help="`up`이 띄운 것과 죽은 커널이 남긴 프로세스를 멈춥니다")
    args = parser.parse_args(argv)
    commands = {"up": cmd_up, "status": cmd_status, "worker": cmd_worker, "down": cmd_down}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
