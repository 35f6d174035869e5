#!/usr/bin/env bash
# run.sh is `make run`: make sure PostgreSQL and Redis answer, build
# bin/peyk, migrate, and serve the demo workspace (`peyk demo`); with
# PEYK_DEMO=0, create the admin account if it is missing, say how to log in,
# and serve (`peyk serve`).
#
# Environment: PEYK_DATABASE_URL, PEYK_REDIS_URL, PEYK_HTTP_ADDR (as for
# `peyk serve`), PEYK_ADMIN_PASSWORD (default peyk-demo), PEYK_DEMO (default
# 1), GO (default go).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

: "${PEYK_DATABASE_URL:=postgres://postgres@127.0.0.1:5432/peyk?sslmode=disable}"
: "${PEYK_REDIS_URL:=redis://127.0.0.1:6379/0}"
export PEYK_DATABASE_URL PEYK_REDIS_URL
admin_email=admin@peyk.local
admin_password=${PEYK_ADMIN_PASSWORD:-peyk-demo}
unset PEYK_ADMIN_PASSWORD # the server has no use for it

scripts/services.sh ensure
# A private PostgreSQL in .data serves instead when the one at
# PEYK_DATABASE_URL refuses a password-free login: use its URL.
eval "$(scripts/services.sh env)"
"${GO:-go}" build -o bin/peyk ./cmd/peyk
bin/peyk migrate

# By default the server opens on a demo workspace: `peyk demo` creates the
# admin, two agents and one channel of each kind talking to stand-in
# servers, prints the logins and plays customers (docs/demo.md).
# PEYK_DEMO=0 serves the plain, empty workspace instead.
if [[ ${PEYK_DEMO:-1} != 0 && ${PEYK_DEMO:-1} != false ]]; then
	echo
	echo "  Peyk is starting on a demo workspace; the logins follow. Stop with Ctrl-C."
	echo "  ('make stop' stops the PostgreSQL and Redis that were started in .data; PEYK_DEMO=0 make run serves without the demo.)"
	PEYK_ADMIN_PASSWORD=$admin_password exec bin/peyk demo
fi

bin/peyk user create --email "$admin_email" --name Admin --role admin \
	--password "$admin_password" --if-missing

# The address to open in a browser: PEYK_HTTP_ADDR with a wildcard or
# missing host shown as 127.0.0.1.
addr=${PEYK_HTTP_ADDR:-127.0.0.1:8080}
port=${addr##*:}
host=${addr%:*}
case $host in
'' | 0.0.0.0 | '[::]' | '*') host=127.0.0.1 ;;
esac

cat <<EOF

  Peyk is starting.
  Open http://$host:$port — log in as $admin_email / $admin_password
  (an account that already existed keeps its password; API tokens:
  bin/peyk token create --email $admin_email).
  Stop with Ctrl-C; 'make stop' stops the PostgreSQL and Redis that were started in .data.

EOF
exec bin/peyk serve
