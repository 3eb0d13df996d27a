# Sourced by the fault-finding tools (tests/security/testssl, tests/soak,
# tests/faults/*): builds the daemon, starts a throwaway PostgreSQL cluster
# (as the postgres user when root, as tests/run does), makes a CA and a
# server certificate for localhost, migrates and seeds a database and
# starts `samverkand serve` on a free port. Everything lives in $work and
# goes away on exit.
#
#   svk_setup                build, cluster, certificates, database
#   svk_config [PROFILE]     writes $work/samverkand.ini ([tls] profile)
#   svk_start / svk_stop     the daemon ($daemon_pid, $url, $hport)
#   svk_kill9                SIGKILL, no graceful stop
#   svk_pg_start / svk_pg_stop / svk_pg_kill9   the PostgreSQL cluster
#   svk_login USER PASSWORD  prints a session token
#   svk_psql SQL             runs SQL as postgres in the samverkan database

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bin=$top/build/daemon/samverkand
cli=$top/build/client/samverkan
daemon_pid=
work=

svk_cleanup() {
	if [ -n "$daemon_pid" ]; then
		kill -TERM "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null || true
	fi
	if [ -n "$work" ]; then
		"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
		[ "${SVK_KEEP:-0}" = 1 ] && echo "kept $work" >&2 || rm -rf "$work"
	fi
}

svk_setup() {
	cd "$top"
	"$top/deploy/install-deps" --test
	cmake -S . -B build >/dev/null
	cmake --build build -j"$(nproc)" --target samverkand samverkan >/dev/null
	work=$(mktemp -d /tmp/svk-faults.XXXXXX)
	chmod 755 "$work"
	trap svk_cleanup EXIT
	as_pg=()
	if [ "$(id -u)" = 0 ]; then
		chown postgres: "$work"
		as_pg=(runuser -u postgres --)
	fi
	pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	pgport=$(( 20000 + RANDOM % 20000 ))
	"${as_pg[@]}" "$pgbin/initdb" -D "$work/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
	svk_pg_start
	"${as_pg[@]}" "$pgbin/psql" -h "$work" -p "$pgport" -U postgres -qAt \
		-c "CREATE DATABASE samverkan" postgres >/dev/null
	mkdir -p "$work/tls"
	"$top/deploy/make-ca" "$work/tls" >/dev/null 2>&1
	"$top/deploy/make-server-cert" "$work/tls" localhost 127.0.0.1 >/dev/null 2>&1
	hport=$(( 40000 + RANDOM % 20000 ))
	url=https://127.0.0.1:$hport
	svk_config intermediate
	"$bin" -c "$work/samverkand.ini" migrate >/dev/null 2>"$work/migrate.log" ||
		{ cat "$work/migrate.log" >&2; return 1; }
	"$bin" -c "$work/samverkand.ini" seed deploy/seed/seed.json \
		--admin-password-file "$work/admin-password" \
		--demo-users-file "$work/demo-passwords" >/dev/null 2>"$work/seed.log" ||
		{ cat "$work/seed.log" >&2; return 1; }
}

# The cluster: started (waiting until it accepts connections), killed
# with SIGKILL (the postmaster; its backends end when they notice), and
# stopped as an operator would.
svk_pg_start() {
	"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -w -l "$work/pg.log" \
		-o "-k $work -p $pgport -c listen_addresses='' -c max_connections=100" start >/dev/null
}

svk_pg_kill9() {
	kill -KILL "$(head -n 1 "$work/data/postmaster.pid")"
}

svk_pg_stop() {
	"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -w -m fast stop >/dev/null
}

svk_config() {
	cat >"$work/samverkand.ini" <<INI
[server]
listen = 127.0.0.1:$hport
workers = ${SVK_WORKERS:-2}
[tls]
cert = $work/tls/server.crt
key = $work/tls/server.key
profile = ${1:-intermediate}
[database]
url = host=$work port=$pgport dbname=samverkan user=samverkan_app
admin_url = host=$work port=$pgport dbname=samverkan user=postgres
[auth]
argon2_ops = 1
argon2_mem_kib = 8192
[log]
level = warn
INI
}

svk_start() {
	"$bin" -c "$work/samverkand.ini" serve 2>>"$work/daemon.log" &
	daemon_pid=$!
	local _
	for _ in $(seq 1 100); do
		curl -sf --cacert "$work/tls/ca.crt" "$url/readyz" >/dev/null 2>&1 && return 0
		kill -0 "$daemon_pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "samverkand did not become ready:" >&2
	tail -n 20 "$work/daemon.log" >&2
	return 1
}

svk_stop() {
	[ -n "$daemon_pid" ] || return 0
	kill -TERM "$daemon_pid" 2>/dev/null || true
	wait "$daemon_pid" 2>/dev/null || true
	daemon_pid=
}

svk_kill9() {
	[ -n "$daemon_pid" ] || return 0
	kill -KILL "$daemon_pid" 2>/dev/null || true
	wait "$daemon_pid" 2>/dev/null || true
	daemon_pid=
}

svk_login() {
	curl -sf --cacert "$work/tls/ca.crt" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$1\",\"password\":\"$2\"}" "$url/v1/sessions" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}

svk_psql() {
	"${as_pg[@]}" "$pgbin/psql" -h "$work" -p "$pgport" -U postgres -qAt -v ON_ERROR_STOP=1 \
		-c "$1" samverkan
}
