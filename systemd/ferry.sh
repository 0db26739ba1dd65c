#!/bin/sh
# Ferry launcher, installed as /usr/local/bin/ferry by systemd/install.sh: runs the shaded jar.
# JAVA_OPTS and JAVA come from the environment (/etc/default/ferry under systemd).
set -e
jar=${FERRY_JAR:-/opt/ferry/ferry.jar}
if [ -n "${JAVA:-}" ]; then
  java=$JAVA
elif [ -n "${JAVA_HOME:-}" ]; then
  java=$JAVA_HOME/bin/java
else
  java=java
fi
if [ ! -r "$jar" ]; then
  echo "ferry: $jar is missing; reinstall with systemd/install.sh" >&2
  exit 3
fi
# JAVA_OPTS is split into words on purpose.
# shellcheck disable=SC2086
exec "$java" $JAVA_OPTS -jar "$jar" "$@"
