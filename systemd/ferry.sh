#!/bin/sh
# Ferry launcher, installed as /usr/bin/ferry by the ferry package (jar in /usr/share/ferry) or
# as /usr/local/bin/ferry by systemd/install.sh (jar in /opt/ferry): runs the shaded jar.
# JAVA_OPTS and JAVA come from the environment (/etc/default/ferry under systemd).
set -e
here=$(dirname "$0")
if [ -n "${FERRY_JAR:-}" ]; then
  jar=$FERRY_JAR
elif [ "$here" = /usr/bin ] && [ -r /usr/share/ferry/ferry.jar ]; then
  jar=/usr/share/ferry/ferry.jar
else
  jar=/opt/ferry/ferry.jar
fi
if [ -n "${JAVA:-}" ]; then
  java=$JAVA
elif [ -n "${JAVA_HOME:-}" ]; then
  java=$JAVA_HOME/bin/java
else
  java=java
fi
if [ ! -r "$jar" ]; then
  echo "ferry: $jar is missing; reinstall the ferry package (or run systemd/install.sh)" >&2
  exit 3
fi
# Class data sharing: the JVM maps the classes Ferry loads at start from an archive instead of
# parsing and verifying them from the jar again (about 0.6 of 2.3 CPU s of a start on a 2-core
# machine, see bench/README.md). The service (`ferry run`) writes the archive when it stops for the
# first time after an install or upgrade (-XX:ArchiveClassesAtExit); every later start maps it.
# An archive older than the jar is rewritten; one the JVM cannot use is ignored (Xshare:auto).
# FERRY_CDS_ARCHIVE= (empty) turns this off.
cds=${FERRY_CDS_ARCHIVE-/var/lib/ferry/ferry.jsa}
cds_opts=
if [ -n "$cds" ]; then
  if [ -f "$cds" ] && [ "$cds" -nt "$jar" ]; then
    cds_opts="-XX:SharedArchiveFile=$cds -Xlog:cds=off,cds+dynamic=off"
  elif [ "${1:-}" = run ] && [ -w "$(dirname "$cds")" ]; then
    rm -f "$cds"
    cds_opts="-XX:ArchiveClassesAtExit=$cds -Xlog:cds=off,cds+dynamic=off"
  fi
fi
# JAVA_OPTS is split into words on purpose.
# shellcheck disable=SC2086
exec "$java" $JAVA_OPTS $cds_opts -jar "$jar" "$@"
