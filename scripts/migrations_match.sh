#!/usr/bin/env bash
# Prove that the migrations build the database the squashed history built: migrate one database
# with the migrations as they stood at REV (default: the last commit before the squash), upgrade
# it with this tree's migrations, build another from scratch with this tree's, and compare the
# two schemas line by line (`manage.py schema_snapshot`). Needs DATABASE_URL (a real server);
# creates and drops two scratch databases on it.
set -euo pipefail
cd "$(dirname "$0")/.."
rev="${1:-09933f4}"
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server (its database name is replaced)}"
server="${DATABASE_URL%/*}"
python="$PWD/.venv/bin/python"
work="$(mktemp -d)"
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

for name in migrations_old migrations_new; do
  psql "$server/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" 2>/dev/null
done
export DEBUG=true TESTING=true
git worktree add -q --detach "$work/old" "$rev"
echo "== migrating with the migrations at $rev"
(cd "$work/old" && DATABASE_URL="$server/migrations_old" "$python" manage.py migrate -v0)
echo "== upgrading that database with this tree's migrations"
DATABASE_URL="$server/migrations_old" "$python" manage.py migrate -v0
echo "== building a fresh database with this tree's migrations"
DATABASE_URL="$server/migrations_new" "$python" manage.py migrate -v0
DATABASE_URL="$server/migrations_new" "$python" manage.py schema_snapshot > "$work/new.txt"
DATABASE_URL="$server/migrations_new" "$python" manage.py schema_snapshot \
  --database-url "$server/migrations_old" > "$work/old.txt"
for name in migrations_old migrations_new; do psql "$server/postgres" -qc "DROP DATABASE $name"; done
if diff -u "$work/old.txt" "$work/new.txt"; then
  echo "The upgraded and the fresh database match: $(wc -l < "$work/new.txt") schema lines."
else
  echo "The upgraded and the fresh database differ (lines above)." >&2
  exit 1
fi
