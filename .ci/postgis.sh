#!/usr/bin/env bash
# Install (Debian: postgresql + postgresql-postgis via apt-get) and start a throwaway local PostGIS server for the
# zone-store tests, create a database with the postgis extension, and print on stdout the one line
#     export COVERAGE_TEST_PG_URL=postgresql://postgres@localhost:<port>/<db>
# for the caller to eval. Everything else goes to stderr. Exit 1 when no server could be started
# (the PostGIS tests then skip). Re-running it reuses a server that is already up.
# Knobs (environment): COVERAGE_PG_PORT (55432), COVERAGE_PG_DATA (/tmp/coverage-pg), COVERAGE_PG_DB (coverage_test).
set -euo pipefail

port=${COVERAGE_PG_PORT:-55432}
data=${COVERAGE_PG_DATA:-/tmp/coverage-pg}
db=${COVERAGE_PG_DB:-coverage_test}
log() { echo "postgis.sh: $*" >&2; }

if ! compgen -G "/usr/share/postgresql/*/extension/postgis.control" >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        # postgresql-postgis pulls the extension of the current server version (postgresql-15-postgis-3 on
        # Debian 12); the plain "postgis" package holds only the command-line tools, not the extension.
        log "installing postgresql + postgresql-postgis with apt-get"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            postgresql postgresql-postgis; } >&2
    else
        log "PostGIS is not installed and apt-get cannot run here (need root)"; exit 1
    fi
fi
# The newest server version that has the postgis extension installed.
control=$(compgen -G "/usr/share/postgresql/*/extension/postgis.control" | sort -V | tail -1)
version=$(basename "$(dirname "$(dirname "$control")")")
bin=/usr/lib/postgresql/$version/bin
[ -x "$bin/pg_ctl" ] || { log "no PostgreSQL $version server binaries in $bin"; exit 1; }

# PostgreSQL refuses to run as root: run it as the postgres system user then.
as_db_user() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$data"
[ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising a cluster in $data"
    as_db_user "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 >&2
fi
if ! as_db_user "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "starting PostgreSQL $version on localhost:$port"
    as_db_user "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-p $port -k /tmp -c listen_addresses=localhost -c fsync=off" start >&2
fi
psql_db() { psql -X -q -v ON_ERROR_STOP=1 -h localhost -p "$port" -U postgres "$@"; }
if [ "$(psql_db -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    psql_db -d postgres -c "CREATE DATABASE $db" >&2
fi
psql_db -d "$db" -c "CREATE EXTENSION IF NOT EXISTS postgis" >&2
echo "export COVERAGE_TEST_PG_URL=postgresql://postgres@localhost:$port/$db"
