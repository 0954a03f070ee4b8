#!/usr/bin/env bash
# Installs the tools the interop tests drive (tests/interop.rs), kept outside the clone so that a
# second run finds them and takes seconds: Django and SQLAlchemy with their PostgreSQL and MariaDB
# drivers in a virtualenv; Sequelize with its three drivers, at the versions package-lock.json
# pins, in $cache/node; and Debian's ActiveRecord with its three drivers. `.ci/run` calls it under
# CI=true; run it by hand to run the interop tests elsewhere (they skip, saying why, when it has
# not run).
set -euo pipefail
cache="${ORMSH_INTEROP_CACHE:-/var/cache/ormsh-interop}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$cache"

# libsqlite3-dev: Sequelize's sqlite3 is built against Debian's SQLite (below).
debs="ruby-activerecord ruby-sqlite3 ruby-pg ruby-mysql2 libsqlite3-dev"
debs_ready() {
  ruby -e 'require "active_record"; require "sqlite3"; require "pg"; require "mysql2"' 2>/dev/null &&
    [ -f /usr/include/sqlite3.h ]
}
if ! debs_ready; then
  # shellcheck disable=SC2086
  apt-get install -y -q $debs >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q $debs >/dev/null; }
  echo "interop tools: ActiveRecord installed"
fi

stamp="$cache/python.ok"
wanted="sqlalchemy>=2,<3 django>=5,<6 psycopg2-binary pymysql"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  echo "interop tools: Django and SQLAlchemy cached in $cache"
else
  python3 -m venv "$cache/venv"
  # shellcheck disable=SC2086
  "$cache/venv/bin/pip" install --quiet --disable-pip-version-check $wanted
  echo "$wanted" >"$stamp"
  echo "interop tools: Django and SQLAlchemy installed in $cache"
fi

# Sequelize: `npm ci` from the committed package.json and package-lock.json, again only when they
# changed. sqlite3's prebuilt binary comes from GitHub, which CI may not reach, and its fallback
# build compiles the whole SQLite amalgamation (two minutes); built from source against Debian's
# libsqlite3 (`sqlite=/usr`), the SQLite ActiveRecord's driver uses too, it takes seconds and is
# the same wherever it runs. package.json allows that one install script.
node_stamp="$cache/node.ok"
pinned="$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)"
if ! command -v npm >/dev/null; then
  echo "interop tools: Sequelize not installed: there is no npm (Node.js 20.17 or later)" >&2
  [ "${CI:-}" != "true" ] || exit 1
elif [ -f "$node_stamp" ] && [ "$(cat "$node_stamp")" = "$pinned" ]; then
  echo "interop tools: Sequelize cached in $cache/node"
else
  mkdir -p "$cache/node"
  cp "$here/package.json" "$here/package-lock.json" "$cache/node/"
  npm_config_build_from_source=true npm_config_sqlite=/usr npm ci --prefix "$cache/node" --no-audit --no-fund --loglevel=error
  echo "$pinned" >"$node_stamp"
  echo "interop tools: Sequelize installed in $cache/node"
fi
