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
# JAVA_OPTS is split into words on purpose.
# shellcheck disable=SC2086
exec "$java" $JAVA_OPTS -jar "$jar" "$@"
