#!/usr/bin/env bash
# Make sure this machine's Redis (6379) and RabbitMQ (5672) run, with their documented commands.
set -euo pipefail
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
fi
if ! rabbitmqctl -q status >/dev/null 2>&1; then
    rabbitmq-server -detached
fi
for _ in $(seq 120); do
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && rabbitmqctl -q await_startup >/dev/null 2>&1 && exit 0
    sleep 1
done
echo "Redis or RabbitMQ did not come up" >&2
exit 1
