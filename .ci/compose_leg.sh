#!/usr/bin/env bash
# CI leg: docker-compose.yml checked against the Compose Specification, then its worker, beat and
# flower services' commands run here as processes (no docker engine), with the hostnames
# `rabbitmq` and `redis` mapped to this machine's RabbitMQ (vhost celerylab-ci-compose) and Redis,
# and every notebook run in external mode (LABTASKS_WORKERS=external) against those processes,
# reading their logs from the folder that stands in for the shared log volume.
#
#   .ci/compose_leg.sh [pytest args…]     # default: notebooks/
# Env: COMPOSE_LEG_REDIS_DB (default 13), COMPOSE_LEG_TIMEOUT (seconds, default 1800).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
vhost=celerylab-ci-compose
db="${COMPOSE_LEG_REDIS_DB:-13}"
broker="amqp://guest:guest@127.0.0.1:5672/$vhost"
backend="redis://127.0.0.1:6379/$db"
state="$(mktemp -d "${TMPDIR:-/tmp}/compose-leg.XXXXXX")"

cleanup() {
    status=$?
    python tools/compose_local.py down --state "$state" || true
    rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true
    redis-cli -n "$db" flushdb >/dev/null || true
    if [ "$status" -ne 0 ]; then
        for log in "$state"/*.log; do echo "== $log"; tail -n 30 "$log"; done
    fi
    rm -rf "$state"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "== compose file against the schema"
python tools/compose_local.py check

echo "== a fresh vhost $vhost and Redis db $db"
rabbitmqctl -q delete_vhost "$vhost" >/dev/null 2>&1 || true
rabbitmqctl -q add_vhost "$vhost"
rabbitmqctl -q set_permissions -p "$vhost" guest ".*" ".*" ".*"
redis-cli -n "$db" flushdb >/dev/null

echo "== worker, beat and flower services as local processes"
timeout 120 python tools/compose_local.py up --broker "$broker" --backend "$backend" --state "$state"

echo "== notebooks against the compose workers"
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(notebooks/)
CELERY_BROKER_URL="$broker" CELERY_RESULT_BACKEND="$backend" LABTASKS_WORKERS=external \
    LABTASKS_WORKER_LOG_DIR="$state/worker-logs" \
    timeout "${COMPOSE_LEG_TIMEOUT:-1800}" python -m pytest "${args[@]}"

echo "== the compose beat sent nothing while the notebooks ran (the app has no beat_schedule)"
if grep "Sending due task" "$state/beat.log"; then
    echo "the compose beat sent tasks: every notebook's monitor would count them" >&2
    exit 1
fi
