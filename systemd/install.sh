#!/usr/bin/env bash
# Installs Ferry as a systemd service. Idempotent: run it again to upgrade the jar, launcher and
# unit; existing configuration (/etc/ferry) and defaults (/etc/default/ferry) are never overwritten.
#
#   sudo systemd/install.sh [--root DIR] [--jar FILE] [--enable]
#
#   --root DIR   install into DIR instead of / (a staging tree or an image); no systemctl, no chown
#   --jar FILE   the shaded jar (default: agent/target/ferry.jar, built with ./mvnw if missing)
#   --enable     systemctl enable --now ferry (only with the default root)
#
# Installs: the ferry system user (own group, member of dialout for serial ports),
# /opt/ferry/ferry.jar, /usr/local/bin/ferry (launcher), /etc/systemd/system/ferry.service,
# /etc/default/ferry (JAVA_OPTS), /etc/ferry/{agent.yaml,instruments.d/} (simulated starter
# instruments) and /opt/ferry/examples/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
root=/
jar=""
enable=false

usage() { sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root) root=${2:?--root needs a directory}; shift 2 ;;
    --root=*) root=${1#--root=}; shift ;;
    --jar) jar=${2:?--jar needs a file}; shift 2 ;;
    --jar=*) jar=${1#--jar=}; shift ;;
    --enable) enable=true; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

live=false
if [ "$(cd "$root" 2>/dev/null && pwd -P)" = "/" ]; then
  live=true
  root=""
else
  mkdir -p "$root"
  root=$(cd "$root" && pwd -P)
fi
if $live && [ "$(id -u)" != "0" ]; then
  echo "install.sh: run as root (or use --root DIR to stage into a directory)" >&2
  exit 1
fi
if $enable && ! $live; then
  echo "install.sh: --enable only works when installing into /" >&2
  exit 2
fi

if [ -z "$jar" ]; then
  jar=$repo/agent/target/ferry.jar
  if [ ! -f "$jar" ]; then
    echo "building $jar"
    (cd "$repo" && ./mvnw -B -q -pl agent -am package -DskipTests)
  fi
fi
[ -f "$jar" ] || { echo "install.sh: jar not found: $jar" >&2; exit 1; }

say() { echo "  $*"; }

# Copies src to dst with mode, replacing dst only when the content differs.
put() {
  local mode=$1 src=$2 dst=$3
  if [ -f "$dst" ] && cmp -s "$src" "$dst"; then
    chmod "$mode" "$dst"
    return
  fi
  install -D -m "$mode" "$src" "$dst"
  say "installed $dst"
}

# Copies src to dst only when dst does not exist yet (operator-owned files).
seed() {
  local mode=$1 src=$2 dst=$3
  if [ -e "$dst" ]; then
    return
  fi
  install -D -m "$mode" "$src" "$dst"
  say "created $dst"
}

echo "installing Ferry into ${root:-/}"

# 1. the user: ferry, own group ferry, member of dialout
put 0644 "$here/sysusers.conf" "$root/usr/lib/sysusers.d/ferry.conf"
if command -v systemd-sysusers >/dev/null 2>&1; then
  if $live; then
    systemd-sysusers /usr/lib/sysusers.d/ferry.conf
  else
    mkdir -p "$root/etc"
    systemd-sysusers --root "$root" "$root/usr/lib/sysusers.d/ferry.conf"
  fi
elif $live; then
  getent group dialout >/dev/null || groupadd --system dialout
  if ! id ferry >/dev/null 2>&1; then
    useradd --system --user-group --groups dialout --home-dir /var/lib/ferry --no-create-home \
      --shell /usr/sbin/nologin --comment "Ferry edge agent" ferry
  else
    usermod -a -G dialout ferry
  fi
else
  say "systemd-sysusers is missing: the ferry user will be created by sysusers.d at first boot"
fi

# 2. program: jar, launcher, docs and examples (ours: always replaced when changed)
put 0644 "$jar" "$root/opt/ferry/ferry.jar"
put 0755 "$here/ferry.sh" "$root/usr/local/bin/ferry"
[ -f "$repo/README.md" ] && put 0644 "$repo/README.md" "$root/opt/ferry/README.md"
if [ -d "$repo/examples" ]; then
  while IFS= read -r -d '' f; do
    put 0644 "$f" "$root/opt/ferry/examples/${f#"$repo/examples/"}"
  done < <(find "$repo/examples" -type f -print0 | sort -z)
fi

# 3. the unit (ours) and its defaults file (the operator's once it exists)
put 0644 "$here/ferry.service" "$root/etc/systemd/system/ferry.service"
seed 0644 "$here/ferry.default" "$root/etc/default/ferry"

# 4. configuration: a working starter only when there is none
if [ ! -e "$root/etc/ferry/agent.yaml" ]; then
  seed 0640 "$here/agent.yaml" "$root/etc/ferry/agent.yaml"
  for f in "$repo"/examples/demo/instruments.d/*.yaml; do
    seed 0640 "$f" "$root/etc/ferry/instruments.d/$(basename "$f")"
  done
else
  say "kept existing $root/etc/ferry"
fi
install -d -m 0750 "$root/etc/ferry/credentials"
if $live; then
  chown -R root:ferry /etc/ferry
  chmod 0750 /etc/ferry /etc/ferry/instruments.d 2>/dev/null || true
  chown root:root /etc/ferry/credentials
  chmod 0700 /etc/ferry/credentials
fi

# 5. systemd
if $live && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  if $enable; then
    systemctl enable --now ferry.service
    say "enabled and started ferry.service"
  else
    say "start with: systemctl enable --now ferry"
  fi
elif $live; then
  say "systemd is not running here: enable ferry.service on the target"
fi
echo "done. Check the configuration with: ferry check --config /etc/ferry"
