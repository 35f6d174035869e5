#!/usr/bin/env bash
# services.sh makes sure PostgreSQL and Redis answer where PEYK_DATABASE_URL
# and PEYK_REDIS_URL point, for `make test`, `make run` and .ci/run.
#
#   scripts/services.sh ensure [postgres|redis]
#                                make both (or one) reachable (idempotent)
#   scripts/services.sh env      print the export line for the URL ensure chose,
#                                if it chose another (eval "$(scripts/services.sh env)")
#   scripts/services.sh stop     stop only the servers this script started in .data
#   scripts/services.sh status   say what answers where
#   scripts/services.sh cc       make sure cgo has a C compiler (go test -race)
#   scripts/services.sh browser  make sure Chromium is there for the browser tests
#   scripts/services.sh kannel   make sure Kannel is there for the SMS gateway round trip
#
# For each service, ensure tries in order:
#   a. it answers at the URL's host and port: use it;
#   b. its server is installed: start it on that port (PostgreSQL: a Debian
#      cluster on that port that is merely down is started; otherwise a
#      private server is created in .data/postgres; Redis: a private server
#      with its files in .data/redis);
#   c. running as root: install it from Debian's packages, then as in b;
#   d. otherwise: say what is missing and how to install it, and exit 1.
# When a local PostgreSQL answers but refuses the URL's password-free login
# (Debian's pg_hba.conf asks for a password on TCP), the private server in
# .data/postgres is started on another free port instead, and its URL is
# written to .data/env, which `scripts/services.sh env` turns into an export
# line for the Makefile and scripts/run.sh (pg_fallback below).
# Servers are only ever started for loopback addresses. Nothing outside .data
# is stopped or reconfigured: no server's configuration is rewritten.
# (Installing Kannel puts a policy-rc.d that forbids starting services in
# place for the install when there is none, and removes it after, so
# Kannel's system service does not start; /etc/kannel is left alone.)
#
# PEYK_DATA_DIR moves .data elsewhere (the script's own tests use it).
#
# Quiet on success apart from one line per service saying what was done.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
DATA=$(realpath -m "${PEYK_DATA_DIR:-$ROOT/.data}")
DEFAULT_DATABASE_URL='postgres://postgres@127.0.0.1:5432/peyk?sslmode=disable'
DEFAULT_REDIS_URL='redis://127.0.0.1:6379/0'
WAIT_SECONDS=30
PG_USER=postgres

die() {
	printf '%s\n' "$@" >&2
	exit 1
}

is_root() { [[ $EUID -eq 0 ]]; }

# rel PATH prints PATH relative to the repository root when it is inside it.
rel() { printf '%s' "${1#"$ROOT"/}"; }

# urldecode STRING decodes %XX escapes (user names and passwords in URLs).
urldecode() {
	local s=${1//+/ }
	printf '%b' "${s//%/\\x}"
}

# parse_url URL DEFAULT_PORT sets U_HOST, U_PORT, U_USER and U_PASS from a
# scheme://user:pass@host:port/path URL, or from a key=value DSN.
parse_url() {
	local url=$1 auth hostport userinfo
	U_HOST='' U_PORT='' U_USER='' U_PASS=''
	if [[ $url != *://* ]]; then # key=value DSN (PostgreSQL only)
		[[ $url =~ (^|[[:space:]])host=([^[:space:]]+) ]] && U_HOST=${BASH_REMATCH[2]}
		[[ $url =~ (^|[[:space:]])port=([^[:space:]]+) ]] && U_PORT=${BASH_REMATCH[2]}
		[[ $url =~ (^|[[:space:]])user=([^[:space:]]+) ]] && U_USER=${BASH_REMATCH[2]}
		[[ $url =~ (^|[[:space:]])password=([^[:space:]]+) ]] && U_PASS=${BASH_REMATCH[2]}
	else
		auth=${url#*://}
		auth=${auth%%[/?#]*}
		hostport=${auth##*@}
		if [[ $auth == *@* ]]; then
			userinfo=${auth%@*}
			U_USER=$(urldecode "${userinfo%%:*}")
			[[ $userinfo == *:* ]] && U_PASS=$(urldecode "${userinfo#*:}")
		fi
		if [[ $hostport == \[* ]]; then # [v6]:port
			U_HOST=${hostport#\[}
			U_HOST=${U_HOST%%]*}
			U_PORT=${hostport##*]}
		else
			U_HOST=${hostport%%:*}
			U_PORT=${hostport#"$U_HOST"}
		fi
		U_PORT=${U_PORT#:}
	fi
	U_HOST=${U_HOST:-localhost}
	U_PORT=${U_PORT:-$2}
	[[ $U_PORT =~ ^[0-9]+$ ]] || die "bad port '$U_PORT' in $url"
}

# hp HOST PORT prints host:port, with brackets around an IPv6 host.
hp() {
	if [[ $1 == *:* ]]; then echo "[$1]:$2"; else echo "$1:$2"; fi
}

# is_local HOST reports whether HOST is a loopback address we may start a
# server on.
is_local() {
	case $1 in
	localhost | 127.* | ::1) return 0 ;;
	*) return 1 ;;
	esac
}

# bind_addr HOST prints the address a server should listen on for HOST.
bind_addr() {
	if [[ $1 == localhost ]]; then echo 127.0.0.1; else echo "$1"; fi
}

# tcp_open HOST PORT reports whether something accepts TCP connections there.
tcp_open() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 3 bash -c ': >"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# pid_gone PID reports whether process PID has ended.
pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# wait_for SECONDS CMD... runs CMD every half second until it succeeds.
wait_for() {
	local tries=$(($1 * 2))
	shift
	while ((tries-- > 0)); do
		"$@" && return 0
		sleep 0.5
	done
	return 1
}

APT_UPDATED=''
# apt_install PKG... installs Debian packages quietly (log in .data/apt.log).
apt_install() {
	local log=$DATA/apt.log
	mkdir -p "$DATA"
	export DEBIAN_FRONTEND=noninteractive
	if ! {
		if [[ -z $APT_UPDATED ]]; then apt-get update -q && APT_UPDATED=1; fi &&
			apt-get install -y -q --no-install-recommends "$@"
	} >"$log" 2>&1 </dev/null 9>&-; then
		tail -n 20 "$log" >&2
		die "apt-get install $* failed; full log: $(rel "$log")"
	fi
	PG_TOOLS=()
}

# ---------------------------------------------------------------- PostgreSQL

# pg_tool NAME reports whether the PostgreSQL client program NAME is there
# and works (Debian's wrappers fail when no client version is installed).
declare -A PG_TOOLS=()
pg_tool() {
	if [[ -z ${PG_TOOLS[$1]:-} ]]; then
		if command -v "$1" >/dev/null && "$1" --version >/dev/null 2>&1 </dev/null; then
			PG_TOOLS[$1]=yes
		else
			PG_TOOLS[$1]=no
		fi
	fi
	[[ ${PG_TOOLS[$1]} == yes ]]
}

# pg_ready HOST PORT reports whether PostgreSQL accepts connections there.
# (pg_isready is given PG_USER so the server does not log a failed login for
# a role named after the OS user.)
pg_ready() {
	if pg_tool pg_isready; then
		pg_isready -q -h "$1" -p "$2" -U "$PG_USER" -d postgres -t 3 </dev/null 2>/dev/null
	else
		tcp_open "$1" "$2"
	fi
}

# pg_starting HOST PORT reports whether a PostgreSQL server answers there but
# is still starting up (or shutting down).
pg_starting() {
	pg_tool pg_isready || return 1
	local rc=0
	pg_isready -q -h "$1" -p "$2" -U "$PG_USER" -d postgres -t 3 </dev/null 2>/dev/null || rc=$?
	[[ $rc -eq 1 ]]
}

# pg_bindir [MAJOR] prints the bin folder of the newest installed PostgreSQL
# server, or of version MAJOR.
pg_bindir() {
	local d
	if [[ -n ${1:-} ]]; then
		d=/usr/lib/postgresql/$1/bin
		[[ -x $d/postgres && -x $d/initdb && -x $d/pg_ctl ]] && echo "$d" && return 0
	else
		d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
		[[ -x $d/postgres && -x $d/initdb && -x $d/pg_ctl ]] && echo "$d" && return 0
	fi
	# Not a Debian layout: server binaries on PATH.
	local pg
	pg=$(command -v postgres 2>/dev/null) || return 1
	d=$(dirname "$pg")
	[[ -x $d/initdb && -x $d/pg_ctl ]] || return 1
	if [[ -n ${1:-} ]]; then
		[[ $("$d/postgres" --version) =~ ([0-9]+) ]] && [[ ${BASH_REMATCH[1]} == "$1" ]] || return 1
	fi
	echo "$d"
}

# pg_cluster PORT prints "version name status" of the Debian cluster
# configured on PORT, if any.
pg_cluster() {
	command -v pg_lsclusters >/dev/null || return 1
	pg_lsclusters --no-header 2>/dev/null </dev/null | awk -v p="$1" '$3 == p { print $1, $2, $4; found = 1; exit } END { exit !found }'
}

# pg_os_user prints the system user that runs a private server when we are
# root (PostgreSQL refuses to run as root): postgres, else peyk (created).
pg_os_user() {
	if id -u postgres >/dev/null 2>&1; then
		echo postgres
		return
	fi
	if ! id -u peyk >/dev/null 2>&1; then
		useradd --system --user-group --home-dir /nonexistent --no-create-home \
			--shell /usr/sbin/nologin peyk ||
			die "postgres: could not create system user peyk to run PostgreSQL (it refuses to run as root)"
	fi
	echo peyk
}

# pg_as OWNER CMD... runs CMD as OWNER (from /, so an unreadable working
# folder does not matter), or as ourselves when OWNER is empty.
pg_as() {
	local owner=$1
	shift
	if [[ -n $owner ]]; then
		(cd / && runuser -u "$owner" -- "$@")
	else
		"$@"
	fi
}

# pg_base OWNER prints the folder that holds the private server's data
# folder, log and socket: .data, unless OWNER (the server's system user when
# we are root) cannot reach it, as when the clone lives under /root. Then a
# root-owned folder under /var/tmp is used and .data/postgres and
# .data/postgres.log are symlinks into it.
pg_base() {
	local owner=$1 base
	[[ -L $DATA/postgres ]] && dirname "$(readlink -f "$DATA/postgres")" && return
	if [[ -z $owner ]] || pg_as "$owner" test -x "$DATA" -a -r "$DATA"; then
		echo "$DATA"
		return
	fi
	base=/var/tmp/peyk-$(printf '%s' "${PEYK_DATA_DIR:-$ROOT}" | cksum | cut -d' ' -f1)
	mkdir -p "$base"
	[[ $(stat -c %u "$base") == 0 ]] || die "postgres: $base is not owned by root; remove it"
	chmod 755 "$base"
	ln -sfn "$base/postgres" "$DATA/postgres"
	ln -sfn "$base/postgres.log" "$DATA/postgres.log"
	echo "$base"
}

# pg_start_private HOST PORT USER starts (creating it first if needed) the
# private server in .data/postgres, and prints what it did.
pg_start_private() {
	local host=$1 port=$2 dbuser=$3 owner='' base datadir log sock bindir ver locale=()
	mkdir -p "$DATA"
	if is_root; then
		owner=$(pg_os_user)
		chmod a+rx "$DATA"
	fi
	base=$(pg_base "$owner")
	datadir=$base/postgres log=$base/postgres.log sock=$base/run
	[[ $base != *\'* ]] || die "postgres: the path $base contains a quote; move the repository"

	if [[ -f $datadir/PG_VERSION ]]; then
		ver=$(<"$datadir/PG_VERSION")
		bindir=$(pg_bindir "$ver") ||
			die "postgres: $(rel "$DATA")/postgres holds data of PostgreSQL $ver, whose server is not installed." \
				"Install postgresql-$ver, or run 'scripts/services.sh stop && rm -rf $(rel "$DATA")/postgres' to start afresh."
	else
		bindir=$(pg_bindir) || die "postgres: no PostgreSQL server programs found (initdb, pg_ctl, postgres)"
		rm -rf "$datadir"
		mkdir -p "$datadir"
		chmod 700 "$datadir"
		[[ -n $owner ]] && chown "$owner:" "$datadir"
		if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then locale=(--locale=C.UTF-8); else locale=(--no-locale); fi
		if ! pg_as "$owner" "$bindir/initdb" -D "$datadir" -U "$dbuser" --auth=trust -E UTF8 "${locale[@]}" \
			>"$DATA/initdb.log" 2>&1 </dev/null 9>&-; then
			cat "$DATA/initdb.log" >&2
			die "postgres: initdb failed (log: $(rel "$DATA")/initdb.log)"
		fi
		rm -f "$DATA/initdb.log"
	fi

	# Already running on that port (make run serving while make test starts):
	# leave it be. Running on another port: restart it here.
	if pg_as "$owner" "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1 </dev/null; then
		if [[ $(sed -n 4p "$datadir/postmaster.pid" 2>/dev/null) == "$port" ]] && pg_ready "$host" "$port"; then
			echo "using PostgreSQL $(<"$datadir/PG_VERSION") in $(rel "$DATA")/postgres on $(hp "$host" "$port")"
			return 0
		fi
		pg_as "$owner" "$bindir/pg_ctl" -D "$datadir" -m fast -w -s stop </dev/null 9>&- >/dev/null
	fi

	mkdir -p "$sock"
	touch "$log"
	[[ -n $owner ]] && chown "$owner:" "$sock" "$log"
	# Unix socket paths are limited to 107 bytes; TCP is all we need anyway.
	local sockopt="-c unix_socket_directories='$sock'"
	((${#sock} + 16 <= 107)) || sockopt="-c unix_socket_directories=''"
	if ! pg_as "$owner" "$bindir/pg_ctl" -D "$datadir" -l "$log" -w -t "$WAIT_SECONDS" -s \
		-o "-p $port -c listen_addresses='$(bind_addr "$host")' $sockopt" start </dev/null >/dev/null 2>&1 9>&-; then
		if [[ -n ${PG_PORT_TAKEN_OK:-} ]] && tail -n 20 "$log" | grep -q 'Address already in use'; then
			return 75 # the caller picks another port
		fi
		tail -n 20 "$log" >&2
		die "postgres: could not start the server in $(rel "$DATA")/postgres on $(hp "$host" "$port") (log: $(rel "$DATA")/postgres.log)"
	fi
	wait_for "$WAIT_SECONDS" pg_ready "$host" "$port" ||
		die "postgres: started in $(rel "$DATA")/postgres but $(hp "$host" "$port") does not answer (log: $(rel "$DATA")/postgres.log)"
	echo "started PostgreSQL $(<"$datadir/PG_VERSION") from $bindir in $(rel "$DATA")/postgres on $(hp "$host" "$port")"
}

# pg_start_cluster PORT starts the Debian cluster on PORT if it is down, and
# prints what it did.
pg_start_cluster() {
	local ver name status
	read -r ver name status < <(pg_cluster "$1") || return 1
	[[ $status == down ]] || return 1
	pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start </dev/null >/dev/null 2>&1 9>&- || return 1
	echo "started Debian cluster $ver/$name on port $1"
}

# pg_login_error HOST PORT USER PASSWORD prints why USER cannot log in, if
# the reason is authentication (other errors are left to the application).
pg_login_error() {
	pg_tool psql || return 1
	local out
	if out=$(PGPASSWORD=$4 PGCONNECT_TIMEOUT=5 psql -X -w -q -At -h "$1" -p "$2" -U "$3" -d postgres \
		-c 'select 1' 2>&1 </dev/null); then
		return 1
	fi
	case $out in
	*"password authentication failed"* | *"no password supplied"* | *"no pg_hba.conf entry"* | \
		*"authentication failed"* | *"role \""*"\" does not exist"*)
		printf '%s\n' "$out"
		;;
	*) return 1 ;;
	esac
}

# pg_check_login URL HOST PORT USER PASSWORD NOTE makes sure USER gets in;
# where a local server refuses a password-free login, the private server in
# .data serves instead (pg_fallback).
pg_check_login() {
	local url=$1 host=$2 port=$3 user=$4 pass=$5 note=$6 err
	err=$(pg_login_error "$host" "$port" "$user" "$pass") || {
		echo "postgres: $note"
		if pg_env_applies "$url"; then rm -f "$DATA/env"; fi # the server lets us in now
		return 0
	}
	if [[ -z $pass ]] && is_local "$host" && pg_bindir >/dev/null; then
		pg_fallback "$url" "$host" "$port" "$user"
		return
	fi
	local fix=()
	if [[ $err == *"does not exist"* ]]; then
		fix=("or create that role: createuser -h $host -p $port -U postgres --superuser $user")
	elif [[ -z $pass ]] && is_local "$host"; then
		fix=("or install the PostgreSQL server programs (sudo apt-get install postgresql)" \
			"so that a private server can be started in $(rel "$DATA")/postgres instead.")
	fi
	die "postgres: $(hp "$host" "$port") answers, but user '$user' cannot log in:" "  $err" \
		"Either put the right user and password in PEYK_DATABASE_URL, e.g." \
		"  export PEYK_DATABASE_URL='postgres://$user:PASSWORD@$(hp "$host" "$port")/peyk?sslmode=disable'" \
		"${fix[@]}"
}

# pg_env_get KEY prints KEY's value from .data/env, if it is there.
pg_env_get() {
	[[ -f $DATA/env ]] || return 1
	local line
	line=$(grep -m1 "^$1=" "$DATA/env") || return 1
	line=${line#*=}
	line=${line#\'}
	printf '%s' "${line%\'}"
}

# pg_env_applies URL reports whether .data/env stands in for URL: it names
# the private server that serves because URL's server refused us.
pg_env_applies() {
	local refused
	refused=$(pg_env_get PEYK_DATABASE_URL_REFUSED) && [[ $refused == "$1" ]]
}

# pg_free_port FROM prints a free TCP port on 127.0.0.1 from FROM up, where
# no Debian cluster is configured either.
pg_free_port() {
	local p
	for ((p = $1; p < $1 + 200 && p < 65536; p++)); do
		tcp_open 127.0.0.1 "$p" || pg_cluster "$p" >/dev/null || { echo "$p" && return 0; }
	done
	return 1
}

# pg_with_hostport URL HOST PORT prints URL with its host and port replaced
# (and no password: the private server trusts loopback connections).
pg_with_hostport() {
	local url=$1 host=$2 port=$3 rest user
	if [[ $url != *://* ]]; then # key=value DSN
		url=$(printf '%s' "$url" | sed -E 's/(^|[[:space:]])(host|port|password)=[^[:space:]]*//g')
		printf '%s host=%s port=%s' "$url" "$host" "$port"
		return
	fi
	rest=${url#*://}
	user=''
	[[ ${rest%%[/?#]*} == *@* ]] && user=${rest%%@*} && user=${user%%:*}@
	rest=${rest#"${rest%%[/?#]*}"}
	printf '%s://%s%s:%s%s' "${url%%://*}" "$user" "$host" "$port" "$rest"
}

# pg_fallback URL HOST PORT USER starts the private server in .data/postgres
# on a free port (the one it had before, when free) because the server at
# HOST:PORT refuses USER's password-free login, and writes its URL to
# .data/env. Nothing of the refusing server is touched.
pg_fallback() {
	local url=$1 host=$2 port=$3 user=$4 private note p='' running err
	[[ $url != *\'* ]] || die "postgres: PEYK_DATABASE_URL contains a quote; cannot record a private server's URL for it"
	if pg_env_applies "$url" && private=$(pg_env_get PEYK_DATABASE_URL); then
		parse_url "$private" 5432
		running=$(sed -n 4p "$DATA/postgres/postmaster.pid" 2>/dev/null) || true
		if [[ $running == "$U_PORT" ]] || ! tcp_open 127.0.0.1 "$U_PORT"; then p=$U_PORT; fi
	fi
	[[ -n $p ]] || p=$(pg_free_port $((port + 1))) ||
		die "postgres: no free port above $port for a private server"
	# A free port may be taken before the server binds it (other programs
	# pick ports too): then the next free one is tried, a few times.
	local tries=5 rc
	while :; do
		rc=0
		note=$(PG_PORT_TAKEN_OK=1 pg_start_private 127.0.0.1 "$p" "$user") || rc=$?
		((rc == 0)) && break
		((rc == 75 && --tries > 0)) || die "postgres: could not start a private server in $(rel "$DATA")/postgres (log: $(rel "$DATA")/postgres.log)"
		p=$(pg_free_port $((p + 1))) || die "postgres: no free port above $port for a private server"
	done
	private=$(pg_with_hostport "$url" 127.0.0.1 "$p")
	if err=$(pg_login_error 127.0.0.1 "$p" "$user" ''); then
		die "postgres: $(hp "$host" "$port") refuses a password-free login for '$user', and so does the private server in $(rel "$DATA")/postgres ($note):" \
			"  $err" "Its data was made for another user: 'scripts/services.sh stop && rm -rf $(rel "$DATA")/postgres' starts it afresh."
	fi
	{
		echo "# Written by scripts/services.sh: the server of PEYK_DATABASE_URL_REFUSED refused a"
		echo "# password-free login, so the private server in $(rel "$DATA")/postgres serves instead."
		printf "PEYK_DATABASE_URL_REFUSED='%s'\n" "$url"
		printf "PEYK_DATABASE_URL='%s'\n" "$private"
	} >"$DATA/env"
	echo "postgres: $(hp "$host" "$port") refuses a password-free login for '$user', so a private server serves instead: $note; PEYK_DATABASE_URL=$private (in $(rel "$DATA")/env)"
}

# print_env prints the export line for the PostgreSQL URL that ensure chose
# instead of PEYK_DATABASE_URL, if it chose another.
print_env() {
	local url=${PEYK_DATABASE_URL:-$DEFAULT_DATABASE_URL} private
	pg_env_applies "$url" && private=$(pg_env_get PEYK_DATABASE_URL) || return 0
	printf "export PEYK_DATABASE_URL='%s'\n" "$private"
}

ensure_postgres() {
	local url=${PEYK_DATABASE_URL:-$DEFAULT_DATABASE_URL} host port user pass note
	parse_url "$url" 5432
	host=$U_HOST port=$U_PORT user=${U_USER:-postgres} pass=$U_PASS
	PG_USER=$user

	# a. Already there (or just starting).
	if pg_ready "$host" "$port" || { pg_starting "$host" "$port" && wait_for "$WAIT_SECONDS" pg_ready "$host" "$port"; }; then
		note="using $(hp "$host" "$port")"
		[[ $(sed -n 4p "$DATA/postgres/postmaster.pid" 2>/dev/null) == "$port" ]] &&
			note+=" (server in $(rel "$DATA")/postgres)"
		pg_check_login "$url" "$host" "$port" "$user" "$pass" "$note"
		return
	fi
	is_local "$host" ||
		die "postgres: cannot reach $(hp "$host" "$port") (from PEYK_DATABASE_URL), and it is not a local address where a server could be started."

	# b. Installed: a Debian cluster on that port, else a private server.
	if note=$(pg_start_cluster "$port") && wait_for "$WAIT_SECONDS" pg_ready "$host" "$port"; then
		pg_check_login "$url" "$host" "$port" "$user" "$pass" "$note"
		return
	fi
	if pg_bindir >/dev/null; then
		note=$(pg_start_private "$host" "$port" "$user")
		echo "postgres: $note"
		if pg_env_applies "$url"; then rm -f "$DATA/env"; fi # the URL's own port serves now
		return 0
	fi

	# c. Root: install from Debian's packages. The package creates (and, where
	# services may start, starts) a cluster on the first free port from 5432.
	if is_root && command -v apt-get >/dev/null; then
		apt_install postgresql
		local ver name status
		if read -r ver name status < <(pg_cluster "$port"); then
			[[ $status == online ]] || pg_start_cluster "$port" >/dev/null ||
				die "postgres: installed, but cluster $ver/$name would not start (see /var/log/postgresql/)"
			wait_for "$WAIT_SECONDS" pg_ready "$host" "$port" ||
				die "postgres: installed cluster $ver/$name does not answer on $(hp "$host" "$port")"
			pg_check_login "$url" "$host" "$port" "$user" "$pass" \
				"installed postgresql from Debian packages; started cluster $ver/$name on $(hp "$host" "$port")"
			return
		fi
		note=$(pg_start_private "$host" "$port" "$user")
		echo "postgres: installed postgresql from Debian packages; $note"
		if pg_env_applies "$url"; then rm -f "$DATA/env"; fi
		return 0
	fi

	# d. Nothing to start it with.
	die "postgres: nothing answers on $(hp "$host" "$port") and no PostgreSQL server is installed." \
		"Install PostgreSQL and Redis with:" \
		"  sudo apt-get install postgresql redis-server" \
		"then run this again, or point PEYK_DATABASE_URL at a running server."
}

stop_postgres() {
	local datadir ver bindir owner=''
	[[ -e $DATA/postgres ]] || return 0
	datadir=$(readlink -f "$DATA/postgres")
	[[ -f $datadir/PG_VERSION && -f $datadir/postmaster.pid ]] || return 0
	ver=$(<"$datadir/PG_VERSION")
	bindir=$(pg_bindir "$ver") || die "postgres: PostgreSQL $ver is not installed; cannot stop $(rel "$DATA")/postgres"
	is_root && owner=$(stat -c %U "$datadir")
	[[ $owner == root ]] && owner=''
	pg_as "$owner" "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1 </dev/null || return 0
	pg_as "$owner" "$bindir/pg_ctl" -D "$datadir" -m fast -w -s stop </dev/null >/dev/null 9>&-
	echo "postgres: stopped the server in $(rel "$DATA")/postgres"
}

# --------------------------------------------------------------------- Redis

# redis_ping HOST PORT reports whether a Redis server answers PING there (an
# error such as NOAUTH counts: something speaking Redis is there).
redis_ping() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 3 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		printf "PING\r\n" >&3
		IFS= read -r -t 2 line <&3 || exit 1
		[[ $line == [+-]* ]]' _ "$1" "$2" 2>/dev/null
}

# redis_pid prints the pid of the private Redis server in .data/redis, if it
# runs.
redis_pid() {
	local pid
	pid=$(cat "$DATA/redis/redis.pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q redis-server || return 1
	echo "$pid"
}

# redis_bin prints the installed redis-server program, if any (Debian puts it
# in /usr/bin, which may be missing from PATH).
redis_bin() {
	local b
	for b in "$(command -v redis-server || true)" /usr/bin/redis-server; do
		[[ -n $b && -f $b && -x $b ]] && echo "$b" && return 0
	done
	return 1
}

# redis_start BIN HOST PORT PASSWORD starts a private Redis server that keeps
# nothing on disk, with its pid file and log in .data/redis.
redis_start() {
	local bin=$1 host=$2 port=$3 pass=$4 dir=$DATA/redis pid
	local args=(--port "$port" --bind "$(bind_addr "$host")" --daemonize yes --dir "$dir"
		--pidfile "$dir/redis.pid" --logfile "$dir/redis.log" --save '' --appendonly no)
	[[ -n $pass ]] && args+=(--requirepass "$pass")
	mkdir -p "$dir"
	if pid=$(redis_pid); then # ours, on another port: restart it here
		kill "$pid"
		wait_for 10 pid_gone "$pid" || die "redis: server $pid in $(rel "$dir") did not stop"
	fi
	rm -f "$dir/redis.pid"
	"$bin" "${args[@]}" </dev/null >/dev/null 2>&1 9>&- ||
		die "redis: $bin failed to start (log: $(rel "$dir")/redis.log)"
	if ! wait_for "$WAIT_SECONDS" redis_ping "$host" "$port"; then
		tail -n 20 "$dir/redis.log" >&2 || true
		die "redis: started $bin but $(hp "$host" "$port") does not answer (log: $(rel "$dir")/redis.log)"
	fi
}

ensure_redis() {
	local url=${PEYK_REDIS_URL:-$DEFAULT_REDIS_URL} host port pass bin
	parse_url "$url" 6379
	host=$U_HOST port=$U_PORT pass=$U_PASS

	# a. Already there.
	if redis_ping "$host" "$port"; then
		local note=''
		[[ -n $(redis_pid) ]] && grep -qs "^$port\$" "$DATA/redis/port" && note=" (server in $(rel "$DATA")/redis)"
		echo "redis: using $(hp "$host" "$port")$note"
		return
	fi
	is_local "$host" ||
		die "redis: cannot reach $(hp "$host" "$port") (from PEYK_REDIS_URL), and it is not a local address where a server could be started."

	# b. Installed.
	if bin=$(redis_bin); then
		redis_start "$bin" "$host" "$port" "$pass"
		echo "$port" >"$DATA/redis/port"
		echo "redis: started $bin on $(hp "$host" "$port") (files in $(rel "$DATA")/redis, nothing persisted)"
		return
	fi

	# c. Root: install from Debian's packages. On a machine whose service
	# manager starts it, the package's own server may now answer.
	if is_root && command -v apt-get >/dev/null; then
		apt_install redis-server
		if redis_ping "$host" "$port"; then
			echo "redis: installed redis-server from Debian packages; using $(hp "$host" "$port")"
			return
		fi
		bin=$(redis_bin) ||
			die "redis: installed redis-server, but cannot find the redis-server program"
		redis_start "$bin" "$host" "$port" "$pass"
		echo "$port" >"$DATA/redis/port"
		echo "redis: installed redis-server from Debian packages; started it on $(hp "$host" "$port") (files in $(rel "$DATA")/redis)"
		return
	fi

	# d. Nothing to start it with.
	die "redis: nothing answers on $(hp "$host" "$port") and redis-server is not installed." \
		"Install PostgreSQL and Redis with:" \
		"  sudo apt-get install postgresql redis-server" \
		"then run this again, or point PEYK_REDIS_URL at a running server."
}

stop_redis() {
	local pid
	pid=$(redis_pid) || return 0
	kill "$pid"
	wait_for 10 pid_gone "$pid" || die "redis: server $pid did not stop"
	rm -f "$DATA/redis/redis.pid" "$DATA/redis/port"
	echo "redis: stopped the server in $(rel "$DATA")/redis"
}

# ----------------------------------------------------------------- toolchain

# ensure_cc makes sure cgo works, which `go test -race` needs: as root it
# installs gcc from Debian's packages when no C compiler is there.
ensure_cc() {
	local go=${GO:-go} cc
	[[ $("$go" env CGO_ENABLED) == 1 ]] && return 0
	cc=$("$go" env CC)
	command -v "${cc:-gcc}" >/dev/null && return 0 # cgo turned off on purpose
	if is_root && command -v apt-get >/dev/null; then
		apt_install gcc libc6-dev
		echo "cc: installed gcc from Debian packages (go test -race needs cgo)"
		return 0
	fi
	echo "cc: no C compiler, so tests run without -race; install one with: sudo apt-get install gcc" >&2
}

# chromium_path prints the Chromium the browser tests will use (the same
# search as web/browsertest: PEYK_CHROMIUM, then chromium, chromium-browser
# or google-chrome on PATH or in /usr/bin).
chromium_path() {
	local name
	if [[ -n ${PEYK_CHROMIUM:-} ]]; then
		[[ -x $PEYK_CHROMIUM ]] && echo "$PEYK_CHROMIUM"
		return
	fi
	for name in chromium chromium-browser google-chrome; do
		command -v "$name" 2>/dev/null && return 0
		[[ -x /usr/bin/$name ]] && echo "/usr/bin/$name" && return 0
	done
	return 1
}

# ensure_browser makes sure Chromium is there for the browser tests
# (web/browsertest, driven with chromedp): as root it installs Debian's
# chromium package when it is missing. Without it the browser tests skip,
# except in CI (CI=true), where they fail.
ensure_browser() {
	chromium_path >/dev/null && return 0
	[[ -z ${PEYK_CHROMIUM:-} ]] || die "browser: PEYK_CHROMIUM=$PEYK_CHROMIUM is not an executable program"
	if is_root && command -v apt-get >/dev/null; then
		apt_install chromium
		chromium_path >/dev/null || die "browser: installed chromium, but cannot find the chromium program"
		echo "browser: installed chromium from Debian packages (for the browser tests)"
		return 0
	fi
	echo "browser: no Chromium, so the browser tests skip (in CI they fail); install it with: sudo apt-get install chromium" >&2
}

# kannel_missing reports whether a Kannel program the SMS round trip test
# (cmd/peyk TestKannelRoundTrip) runs is missing: bearerbox and smsbox
# (package kannel), fakesmsc (package kannel-extras).
kannel_missing() {
	local name
	for name in bearerbox smsbox; do
		command -v "$name" >/dev/null 2>&1 || [[ -x /usr/sbin/$name ]] || return 0
	done
	[[ -x /usr/lib/kannel/test/fakesmsc ]] || command -v fakesmsc >/dev/null 2>&1 || return 0
	return 1
}

# ensure_kannel makes sure Kannel is there for the SMS gateway round trip:
# as root it installs Debian's kannel and kannel-extras when missing. The
# test writes its own configuration and starts bearerbox, smsbox and
# fakesmsc on free ports; Kannel's system service is not started (a
# policy-rc.d that forbids it is put in place for the install when none
# is there) and /etc/kannel is left alone. Without Kannel the test skips,
# except in CI (CI=true), where it fails.
ensure_kannel() {
	kannel_missing || return 0
	if is_root && command -v apt-get >/dev/null; then
		local policy=/usr/sbin/policy-rc.d ours=''
		if [[ ! -e $policy ]]; then
			printf '#!/bin/sh\n# peyk scripts/services.sh: no service starts during this install\nexit 101\n' >"$policy"
			chmod 755 "$policy"
			ours=1
		fi
		local rc=0
		(apt_install kannel kannel-extras) || rc=$?
		[[ -n $ours ]] && rm -f "$policy"
		((rc == 0)) || exit "$rc"
		kannel_missing && die "kannel: installed kannel and kannel-extras, but bearerbox, smsbox or fakesmsc is missing"
		echo "kannel: installed kannel and kannel-extras from Debian packages (for the SMS gateway round trip test)"
		return 0
	fi
	echo "kannel: not installed, so the Kannel round trip test skips (in CI it fails); install it with: sudo apt-get install kannel kannel-extras" >&2
}

status() {
	local url
	url=${PEYK_DATABASE_URL:-$DEFAULT_DATABASE_URL}
	pg_env_applies "$url" && url=$(pg_env_get PEYK_DATABASE_URL) # the private server serves instead
	parse_url "$url" 5432
	if pg_ready "$U_HOST" "$U_PORT"; then echo "postgres: $(hp "$U_HOST" "$U_PORT") answers"; else echo "postgres: $(hp "$U_HOST" "$U_PORT") does not answer"; fi
	url=${PEYK_REDIS_URL:-$DEFAULT_REDIS_URL}
	parse_url "$url" 6379
	if redis_ping "$U_HOST" "$U_PORT"; then echo "redis: $(hp "$U_HOST" "$U_PORT") answers"; else echo "redis: $(hp "$U_HOST" "$U_PORT") does not answer"; fi
}

# lock serializes concurrent runs (make -j, two terminals). Servers started
# under it get fd 9 closed (9>&-), so they do not hold the lock.
lock() {
	mkdir -p "$DATA"
	exec 9>"$DATA/.lock"
	if command -v flock >/dev/null && ! flock -w 120 9; then
		die "another scripts/services.sh has held $(rel "$DATA")/.lock for 2 minutes"
	fi
}

case ${1:-} in
ensure)
	lock
	case ${2:-} in
	'')
		ensure_postgres
		ensure_redis
		;;
	postgres) ensure_postgres ;;
	redis) ensure_redis ;;
	*) die "usage: $0 ensure [postgres|redis]" ;;
	esac
	;;
env) print_env ;;
stop)
	lock
	stop_postgres
	stop_redis
	;;
status) status ;;
cc)
	lock
	ensure_cc
	;;
browser)
	lock
	ensure_browser
	;;
kannel)
	lock
	ensure_kannel
	;;
*) die "usage: $0 ensure [postgres|redis]|env|stop|status|cc|browser|kannel" ;;
esac
