#!/usr/bin/env bash
# Installs the built Ferry .deb on this machine and checks what the README promises:
#   the file list in README.md and lintian (when installed) →
#   install (user, dirs, enabled unit) → `ferry check` / `ferry version` from the installed files →
#   `ferry run` on the installed configuration, stopped with SIGTERM (exit 0) → upgrade (the same
#   package again: the buffer is kept) → remove (/etc/ferry and /var/lib/ferry stay) → purge (gone).
#
#   sudo systemd/deb-check.sh [PACKAGE.deb]     (default: agent/target/ferry_*_all.deb)
#
# Build the package first: ./mvnw -B -pl agent -am package -Pdeb -DskipTests
# Works with or without a running systemd (in a container the service is enabled, not started).
# Leaves the machine as it found it, except for the `ferry` system user (kept by design).
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
deb=${1:-$(ls "$repo"/agent/target/ferry_*_all.deb 2>/dev/null | head -n 1)}
[ -f "${deb:-}" ] || { echo "deb-check: no package; build it with ./mvnw -B -pl agent -am package -Pdeb -DskipTests" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "deb-check: run as root (it installs and purges the package)" >&2; exit 2; }

failures=0
step() { echo; echo "== $*"; }
check() { # check DESCRIPTION COMMAND...
  local what=$1; shift
  if "$@" >/dev/null 2>&1; then echo "  ok    $what"; else echo "  FAIL  $what"; failures=$((failures + 1)); fi
}
run() { echo "  \$ $*"; "$@" 2>&1 | sed 's/^/    /'; return "${PIPESTATUS[0]}"; }

step "the package's files against the list in README.md"
# The README lists mode and path (no sizes or dates); the order jdeb writes directories in may vary.
listed=$(sed -n '/<!-- deb-contents: begin -->/,/<!-- deb-contents: end -->/p' "$repo/README.md" | grep '^[-d]' | sort)
actual=$(dpkg-deb --contents "$deb" | awk '{print $1, $6}' | sort)
check "README.md's dpkg-deb --contents listing matches $(basename "$deb")" test "$listed" = "$actual"
[ "$listed" = "$actual" ] || diff <(echo "$listed") <(echo "$actual") | sed 's/^/    /'
if command -v lintian >/dev/null; then
  # Errors and warnings only; the one informational tag left is explained in systemd/README.md.
  lint=$(lintian --allow-root "$deb" 2>&1); lint_rc=$?
  tags=$(echo "$lint" | grep -E '^[EW]: ')
  [ -z "$tags" ] && [ "$lint_rc" = 0 ] || echo "$lint" | sed 's/^/    /'
  check "lintian: no error, no warning" test -z "$tags" -a "$lint_rc" = 0
fi

step "install $(basename "$deb")"
run dpkg -i "$deb" || { echo "dpkg -i failed"; exit 1; }
check "package state is installed (ii)" sh -c "dpkg -l ferry | grep -q '^ii'"
check "user ferry exists, own group, member of dialout" sh -c "id -nG ferry | tr ' ' '\n' | grep -qx dialout && id -gn ferry | grep -qx ferry"
check "/usr/bin/ferry and /usr/share/ferry/ferry.jar installed" test -x /usr/bin/ferry -a -f /usr/share/ferry/ferry.jar
check "/lib/systemd/system/ferry.service installed" test -f /lib/systemd/system/ferry.service
check "service enabled (multi-user.target.wants link)" test -L /etc/systemd/system/multi-user.target.wants/ferry.service
check "/var/lib/ferry owned by ferry, mode 750" sh -c "stat -c '%U:%G %a' /var/lib/ferry | grep -qx 'ferry:ferry 750'"
check "/etc/ferry is root:ferry 750" sh -c "stat -c '%U:%G %a' /etc/ferry | grep -qx 'root:ferry 750'"
check "/etc/ferry/agent.yaml is root:ferry 640 (shipped 644, tightened by postinst)" sh -c "stat -c '%U:%G %a' /etc/ferry/agent.yaml | grep -qx 'root:ferry 640'"
check "manual page installed" test -f /usr/share/man/man1/ferry.1.gz
check "conffiles registered" sh -c "dpkg-query -W -f='\${Conffiles}' ferry | grep -q /etc/ferry/agent.yaml"
run ls -l /etc/ferry /etc/ferry/instruments.d

step "the installed program"
run ferry version
check "ferry version exits 0" ferry version
run ferry check --config /etc/ferry
check "ferry check --config /etc/ferry exits 0 (as root)" ferry check --config /etc/ferry
check "ferry check --config /etc/ferry exits 0 (as the ferry user)" runuser -u ferry -- ferry check --config /etc/ferry
if command -v systemd-analyze >/dev/null; then
  run systemd-analyze verify /lib/systemd/system/ferry.service
  check "systemd-analyze verify is clean" sh -c "[ -z \"\$(systemd-analyze verify /lib/systemd/system/ferry.service 2>&1)\" ]"
fi

step "ferry run as the service would (user ferry, installed config), SIGTERM after the buffer fills"
log=$(mktemp)
runuser -u ferry -- env -u NOTIFY_SOCKET ferry run --config /etc/ferry --status-every 2s >"$log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do
  grep -q "uploaded [1-9]" "$log" && break
  sleep 1
done
java_pid=$(pgrep -P "$pid" java || echo "$pid")
kill -TERM "$java_pid" 2>/dev/null
wait "$pid"; rc=$?
tail -n 3 "$log" | sed 's/^/    /'
check "ferry run exited 0 on SIGTERM (was $rc)" test "$rc" = 0
check "the buffer exists in /var/lib/ferry" test -f /var/lib/ferry/buffer.db
rm -f "$log"
# what is queued, without the "(8s ago)" that changes by itself
queued() { ferry buffer stats --config /etc/ferry 2>&1 | head -n 5 | sed -E 's/ \([^)]* ago\)//'; }
before=$(queued)
echo "$before" | sed 's/^/    /'
buffer_inode=$(stat -c %i /var/lib/ferry/buffer.db 2>/dev/null)

step "upgrade (the same package again: preinst/postinst run as for a new version)"
run dpkg -i "$deb"
check "buffer file kept across the upgrade (same inode)" test "$(stat -c %i /var/lib/ferry/buffer.db 2>/dev/null)" = "$buffer_inode"
after=$(queued)
check "buffer contents unchanged by the upgrade" test "$before" = "$after"

step "remove"
run dpkg -r ferry
check "package state is rc (config files kept)" sh -c "dpkg -l ferry | grep -q '^rc'"
check "/usr/bin/ferry gone" test ! -e /usr/bin/ferry
check "/lib/systemd/system/ferry.service gone" test ! -e /lib/systemd/system/ferry.service
check "/etc/ferry kept (with agent.yaml)" test -f /etc/ferry/agent.yaml
check "/var/lib/ferry kept (with the buffer)" test -f /var/lib/ferry/buffer.db
run ls -la /etc/ferry /var/lib/ferry

step "purge"
run dpkg -P ferry
check "package unknown to dpkg after purge" sh -c "! dpkg -l ferry 2>/dev/null | grep -q '^[ir]'"
check "/etc/ferry gone" test ! -e /etc/ferry
check "/var/lib/ferry gone" test ! -e /var/lib/ferry
check "/etc/default/ferry gone" test ! -e /etc/default/ferry
check "no enablement link left" test ! -e /etc/systemd/system/multi-user.target.wants/ferry.service
check "the ferry user is kept (Debian practice)" id ferry

echo
if [ "$failures" -eq 0 ]; then echo "deb-check: all checks passed"; else echo "deb-check: $failures check(s) FAILED"; fi
[ "$failures" -eq 0 ]
