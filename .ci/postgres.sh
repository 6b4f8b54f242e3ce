#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on 127.0.0.1 for the storage tests and print its SQLAlchemy URL.
# Installs Debian's postgresql if the machine lacks it. Usage: url=$(bash .ci/postgres.sh DATA_DIR PORT)
set -euo pipefail
data_dir=$1
port=${2:-55432}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
run_as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$data_dir"
chmod a+rx "$(dirname "$data_dir")"
[ "$(id -u)" = 0 ] && chown postgres "$data_dir"
run_as_postgres "$bin/initdb" -D "$data_dir" -A trust -U postgres >/dev/null
run_as_postgres "$bin/pg_ctl" -D "$data_dir" -o "-p $port -k $data_dir -h 127.0.0.1" -l "$data_dir/server.log" -w start >/dev/null
run_as_postgres "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres addrcheck_test
echo "postgresql+psycopg://postgres@127.0.0.1:$port/addrcheck_test"
