# Sourced by test.sh: start a throwaway PostgreSQL cluster on loopback for the tests and export
# QC_TEST_POSTGRES_URL. Installs Debian's postgresql when missing and we are root; otherwise says
# what is missing. Sets nothing (and the PostgreSQL tests skip) only when QC_REQUIRE_POSTGRES != 1.
PG_PORT="${QC_TEST_PG_PORT:-55432}"

pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

start_test_postgres() {
  local bin; bin="$(pg_bin_dir)"
  if [ -z "$bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing PostgreSQL from Debian's packages"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin="$(pg_bin_dir)"
  fi
  if [ -z "$bin" ]; then
    [ "${QC_REQUIRE_POSTGRES:-0}" = 1 ] && die "PostgreSQL is required (QC_REQUIRE_POSTGRES=1) but not installed: apt-get install postgresql"
    say "PostgreSQL not installed: PostgreSQL tests will be skipped (apt-get install postgresql to run them)"
    return 0
  fi
  local owner=() dir; dir="$(mktemp -d /tmp/qc-pg.XXXXXX)"
  if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; owner=(runuser -u postgres --); fi
  "${owner[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
  "${owner[@]}" "$bin/pg_ctl" -D "$dir/data" -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1" \
    -l "$dir/log" -w start >/dev/null || die "PostgreSQL did not start (log: $dir/log)"
  PG_STOP=("${owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop)
  export QC_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/postgres"
  say "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"
}

stop_test_postgres() { [ -n "${PG_STOP:-}" ] && "${PG_STOP[@]}" >/dev/null 2>&1 || true; }
