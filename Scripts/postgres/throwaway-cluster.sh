#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: its own data directory, listening only on
# 127.0.0.1 on a port of its own, with password (SCRAM) authentication for every connection, its
# unix sockets and its log inside DIR. initdb refuses to run as root, so as root (CI) the server
# runs as the system user optimize-pg, which this script creates when it is missing (and a
# cluster that exists runs as the owner of its data); as anyone else it runs as that user.
#
# Usage: Scripts/postgres/throwaway-cluster.sh COMMAND DIR [ARG]
#   start DIR [PORT]    initialises DIR/data (when it is not a cluster yet) and starts it; prints
#                       the URL of the database optimize_test (also written to DIR/url). PORT
#                       defaults to 55432, or a free one when 55432 is taken; a PORT given here
#                       must be free. A cluster already in DIR is started again (resume), or left
#                       running, on the port it was made with.
#   createdb DIR NAME   creates the database NAME ([A-Za-z_][A-Za-z0-9_]*; kept if it exists) and
#                       prints its URL.
#   halt DIR            stops the server (fast: open sessions are ended) and keeps everything.
#   resume DIR          starts the halted cluster again on its port; prints the URL.
#   restart DIR         stops and starts the server (fast); prints the URL.
#   stop DIR            stops the server and removes the cluster: DIR's data, sockets, log, url
#                       and port, then DIR itself when nothing else is left in it.
# Only the URL goes to stdout; progress and errors go to stderr; the server logs to
# DIR/postgres.log. The role is optimize, its password optimize-test.
# Environment: PG_BINDIR, a directory holding initdb, pg_ctl and psql (otherwise
# `pg_config --bindir`, or the newest /usr/lib/postgresql/*/bin, Debian's place for them);
# PGCTLTIMEOUT, the seconds pg_ctl waits for the server (its default: 60).
set -euo pipefail

role=optimize
password=optimize-test
database=optimize_test
default_port=55432
system_user=optimize-pg

die() {
    echo "throwaway-cluster: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start DIR [PORT] | createdb DIR NAME | halt DIR | resume DIR | restart DIR | stop DIR" >&2
    exit 2
}

# The server's binaries: PG_BINDIR, pg_config's, or the newest of Debian's.
find_bindir() {
    if [ -n "${PG_BINDIR:-}" ]; then
        [ -x "$PG_BINDIR/initdb" ] || die "PG_BINDIR=$PG_BINDIR has no initdb"
        echo "$PG_BINDIR"
        return
    fi
    local candidate
    if command -v pg_config >/dev/null 2>&1; then
        # Debian's pg_config (libpq-dev) can name a server directory that is not installed.
        candidate="$(pg_config --bindir 2>/dev/null || true)"
        if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
            echo "$candidate"
            return
        fi
    fi
    candidate="$(
        for found in /usr/lib/postgresql/*/bin/initdb; do
            if [ -x "$found" ]; then dirname "$found"; fi
        done | sort -V | tail -n 1
    )"
    [ -n "$candidate" ] || die "no PostgreSQL server binaries (initdb, pg_ctl): install Debian's postgresql, or set PG_BINDIR"
    echo "$candidate"
}

# Runs a command as the cluster's user, from DIR (the caller's directory may be closed to it).
as_owner() {
    if [ -n "$run_as" ]; then
        (cd "$dir" && runuser -u "$run_as" -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

ensure_system_user() {
    id -u "$system_user" >/dev/null 2>&1 && return
    command -v useradd >/dev/null 2>&1 || die "useradd is missing: cannot create the user $system_user"
    local shell=/usr/sbin/nologin
    [ -x "$shell" ] || shell=/bin/false
    # Another start may have created it meanwhile: only a user still missing is an error.
    useradd --system --no-create-home --home-dir /nonexistent --shell "$shell" "$system_user" 2>/dev/null ||
        id -u "$system_user" >/dev/null 2>&1 ||
        die "could not create the system user $system_user (useradd failed)"
}

# Is 127.0.0.1:$1 free to listen on? (SO_REUSEADDR, as the server binds: a port in TIME_WAIT is.)
port_is_free() {
    python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
EOF
}

free_port() {
    python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

url_for() {
    echo "postgresql://$role:$password@127.0.0.1:$port/$1"
}

is_cluster() {
    [ -f "$dir/data/PG_VERSION" ]
}

require_cluster() {
    is_cluster || die "$dir holds no cluster (no $dir/data/PG_VERSION): run start first"
    [ -f "$dir/port" ] || die "$dir/port is missing: $dir was not made by this script"
    port="$(cat "$dir/port")"
    [[ "$port" =~ ^[0-9]+$ ]] || die "$dir/port holds no port number"
}

is_running() {
    # pg_ctl status: 0 running, 3 not running, 4 no readable data directory.
    local status=0
    as_owner "$pg_ctl" status -D "$dir/data" >/dev/null 2>&1 || status=$?
    case "$status" in
        0) return 0 ;;
        3) return 1 ;;
        *) die "pg_ctl status failed on $dir/data (exit $status) as ${run_as:-$(id -un)}" ;;
    esac
}

# psql as the role over TCP, with the password (as any connection must).
sql() {
    PGPASSWORD="$password" PGCONNECT_TIMEOUT=10 "$psql" -X -q -v ON_ERROR_STOP=1 -At \
        -h 127.0.0.1 -p "$port" -U "$role" -d postgres "$@"
}

show_log() {
    if [ -f "$dir/postgres.log" ]; then
        echo "throwaway-cluster: the end of $dir/postgres.log:" >&2
        tail -n 20 "$dir/postgres.log" >&2
    fi
}

# Starts the existing cluster on its port (which must be free) and waits until it accepts
# connections.
start_server() {
    if is_running; then
        return
    fi
    port_is_free "$port" || die "port $port (127.0.0.1), the cluster's, is taken by another process"
    mkdir -p "$dir/sockets"
    [ -z "$run_as" ] || chown "$run_as:" "$dir/sockets"
    # -l: the server's output goes to the log, never to this script's stdout or stderr (a caller
    # reading them until the end would wait for the server).
    if ! as_owner "$pg_ctl" start -w -D "$dir/data" -l "$dir/postgres.log" >&2; then
        show_log
        die "the server in $dir/data did not start"
    fi
}

create_database() {
    local name="$1"
    [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "database name '$name': letters, digits and _ only, not starting with a digit"
    [ "${#name}" -le 63 ] || die "database name '$name' is longer than 63 bytes"
    local exists
    exists="$(sql -c "select 1 from pg_database where datname = '$name'")" ||
        die "cannot connect to the cluster in $dir on port $port"
    if [ "$exists" != 1 ]; then
        # Two creators of the same name at once: the loser's error is fine when the name exists.
        sql -c "create database \"$name\"" 2>/dev/null ||
            [ "$(sql -c "select 1 from pg_database where datname = '$name'")" = 1 ] ||
            die "could not create the database $name"
    fi
}

cmd_start() {
    local requested="${1:-}"
    if is_cluster; then
        require_cluster
        if [ -n "$requested" ] && [ "$requested" != "$port" ]; then
            die "$dir holds a cluster on port $port, not $requested (stop it first for another port)"
        fi
        start_server
        create_database "$database"
        url_for "$database" >"$dir/url"
        url_for "$database"
        return
    fi
    [ ! -e "$dir/data" ] || die "$dir/data exists but is no cluster: remove it, or use another DIR"

    if [ -n "$requested" ]; then
        if ! [[ "$requested" =~ ^[0-9]+$ ]] || [ "$requested" -lt 1 ] || [ "$requested" -gt 65535 ]; then
            die "PORT '$requested' is not a port number"
        fi
        port_is_free "$requested" || die "port $requested (127.0.0.1) is taken"
        port="$requested"
    elif port_is_free "$default_port"; then
        port="$default_port"
    else
        port="$(free_port)"
        echo "throwaway-cluster: port $default_port is taken; using $port" >&2
    fi
    # A unix socket's path is at most 107 bytes.
    local socket="$dir/sockets/.s.PGSQL.$port"
    [ "${#socket}" -le 107 ] || die "DIR is too long for a unix socket path ($socket): use a shorter one"

    if [ -n "$run_as" ]; then
        chown "$run_as:" "$dir"
        runuser -u "$run_as" -- test -w "$dir" ||
            die "$run_as cannot reach $dir (a directory above it is closed to others): use one under /tmp"
    fi
    local pwfile="$dir/pwfile"
    (umask 077 && echo "$password" >"$pwfile")
    [ -z "$run_as" ] || chown "$run_as:" "$pwfile"
    # C locale: a minimal machine may have none of the environment's; --no-sync: throw-away.
    if ! as_owner "$initdb" -D "$dir/data" --auth=scram-sha-256 --username="$role" --pwfile="$pwfile" \
        --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
        rm -f "$pwfile"
        cat "$dir/initdb.log" >&2
        die "initdb failed in $dir/data"
    fi
    rm -f "$pwfile" "$dir/initdb.log"
    cat >>"$dir/data/postgresql.conf" <<EOF

# Scripts/postgres/throwaway-cluster.sh: the test cluster's own settings (the last word here).
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/sockets'
fsync = on
log_destination = 'stderr'
logging_collector = off
EOF
    echo "$port" >"$dir/port"
    [ -z "$run_as" ] || chown "$run_as:" "$dir/port"
    start_server
    create_database "$database"
    url_for "$database" >"$dir/url"
    url_for "$database"
}

cmd_halt() {
    require_cluster
    if ! is_running; then
        echo "throwaway-cluster: the server in $dir is not running" >&2
        return
    fi
    as_owner "$pg_ctl" stop -m fast -w -D "$dir/data" >&2 || die "the server in $dir/data did not stop"
}

cmd_stop() {
    if ! is_cluster; then
        echo "throwaway-cluster: $dir holds no cluster; nothing to stop" >&2
        return
    fi
    cmd_halt
    rm -rf "$dir/data" "$dir/sockets"
    rm -f "$dir/postgres.log" "$dir/url" "$dir/port" "$dir/pwfile" "$dir/initdb.log"
    rmdir "$dir" 2>/dev/null || true
}

cmd_resume() {
    require_cluster
    start_server
    url_for "$database"
}

cmd_restart() {
    require_cluster
    if ! is_running; then
        start_server
    elif ! as_owner "$pg_ctl" restart -m fast -w -D "$dir/data" -l "$dir/postgres.log" >&2; then
        show_log
        die "the server in $dir/data did not restart"
    fi
    url_for "$database"
}

[ "$#" -ge 2 ] || usage
command="$1"
case "$command" in
    start) [ "$#" -le 3 ] || usage ;;
    createdb) [ "$#" -eq 3 ] || usage ;;
    halt | resume | restart | stop) [ "$#" -eq 2 ] || usage ;;
    *) usage ;;
esac
[ -n "$2" ] || usage

bindir="$(find_bindir)"
initdb="$bindir/initdb"
pg_ctl="$bindir/pg_ctl"
psql="$bindir/psql"
[ -x "$psql" ] || psql="$(command -v psql || true)"
[ -x "$pg_ctl" ] || die "$pg_ctl is missing"
[ -n "$psql" ] || die "psql is missing"
command -v python3 >/dev/null 2>&1 || die "python3 is missing (it checks and picks ports)"

run_as=""
if [ "$(id -u)" -eq 0 ]; then
    command -v runuser >/dev/null 2>&1 || die "runuser is missing (util-linux): cannot run the server as $system_user"
    run_as="$system_user"
fi

[ "$command" != start ] || mkdir -p "$2"
if [ "$command" = stop ] && [ ! -e "$2" ]; then
    echo "throwaway-cluster: $2 does not exist; nothing to stop" >&2
    exit 0
fi
[ -d "$2" ] || die "$2 is not a directory"
dir="$(cd "$2" 2>/dev/null && pwd)" || die "cannot enter $2 as $(id -un)"
port=""
if [ -e "$dir/data" ]; then
    # An existing cluster is run by its owner: as root, whoever made it (optimize-pg when root
    # did); as anyone else, only its owner can.
    if [ -n "$run_as" ]; then
        run_as="$(stat -c %U "$dir/data")"
        [ "$run_as" != root ] || die "$dir/data belongs to root: the server cannot run as root"
    elif [ ! -O "$dir/data" ]; then
        die "$dir/data belongs to another user: run this as root or as its owner"
    fi
elif [ "$command" = start ] && [ -n "$run_as" ]; then
    ensure_system_user
fi

case "$command" in
    start) cmd_start "${3:-}" ;;
    createdb)
        require_cluster
        is_running || die "the server in $dir is not running (resume it first)"
        create_database "$3"
        url_for "$3"
        ;;
    halt) cmd_halt ;;
    resume) cmd_resume ;;
    restart) cmd_restart ;;
    stop) cmd_stop ;;
esac
