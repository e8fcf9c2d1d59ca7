#!/bin/sh
# Starts PostgreSQL; on the first start (an empty data directory) creates the cluster with the password of
# POSTGRES_PASSWORD for the user postgres, and runs the SQL files of /docker-entrypoint-initdb.d.
set -eu
bin=/usr/lib/postgresql/bin
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "postgres: set POSTGRES_PASSWORD (the password of the user postgres) to create the database cluster" >&2
    exit 1
  fi
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  "$bin/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  printf 'host all all 0.0.0.0/0 scram-sha-256\nhost all all ::/0 scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
  "$bin/pg_ctl" -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  for f in /docker-entrypoint-initdb.d/*.sql; do
    [ -e "$f" ] && "$bin/psql" -v ON_ERROR_STOP=1 -q -U postgres -f "$f"
  done
  "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  echo "postgres: cluster created"
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*'
