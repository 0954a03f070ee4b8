#!/usr/bin/env bash
# Installs the tools the interop tests drive (tests/interop.rs): Django and SQLAlchemy with their
# PostgreSQL and MariaDB drivers, in a virtualenv kept outside the clone, so that a second run
# finds them and takes seconds; and Debian's ActiveRecord with its three drivers. `.ci/run` calls it under CI=true; run it by hand to run the
# interop tests elsewhere (they skip, saying why, when it has not run).
set -euo pipefail
cache="${ORMSH_INTEROP_CACHE:-/var/cache/ormsh-interop}"
mkdir -p "$cache"

ruby_ready() { ruby -e 'require "active_record"; require "sqlite3"; require "pg"; require "mysql2"' 2>/dev/null; }
if ! ruby_ready; then
  apt-get install -y -q ruby-activerecord ruby-sqlite3 ruby-pg ruby-mysql2 >/dev/null ||
    { apt-get update -q >/dev/null && apt-get install -y -q ruby-activerecord ruby-sqlite3 ruby-pg ruby-mysql2 >/dev/null; }
  echo "interop tools: ActiveRecord installed"
fi

stamp="$cache/python.ok"
wanted="sqlalchemy>=2,<3 django>=5,<6 psycopg2-binary pymysql"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  echo "interop tools: Django and SQLAlchemy cached in $cache"
  exit 0
fi
python3 -m venv "$cache/venv"
# shellcheck disable=SC2086
"$cache/venv/bin/pip" install --quiet --disable-pip-version-check $wanted
echo "$wanted" >"$stamp"
echo "interop tools: Django and SQLAlchemy installed in $cache"
