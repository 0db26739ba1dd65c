#!/bin/sh
# Writes ferry(1) from the built jar's own --help texts, so the manual page says exactly what the
# program says. Run by the deb profile (agent/pom.xml):  systemd/manpage.sh JAR VERSION > ferry.1
set -eu
jar=$1
version=$2
java=${JAVA:-java}
# troff: a backslash is \e; a line starting with . or ' would be a request.
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }
help() { "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$jar" "$@" --help | roff; }

cat <<EOF
.TH FERRY 1 "" "ferry $version" "User Commands"
.SH NAME
ferry \- edge agent for industrial instruments, with a local buffer and cloud uplinks
.SH SYNOPSIS
.B ferry
.I COMMAND
[\fIOPTIONS\fR]
.SH DESCRIPTION
The texts below are the program's own \fB\-\-help\fR output.
The service runs \fBferry run \-\-config /etc/ferry\fR (ferry.service);
the full guide is /usr/share/doc/ferry/README.md, the service's /usr/share/doc/ferry/systemd.md.
.PP
.nf
EOF
help
echo ".fi"
# Each command's own help: the commands are the indented first words under "Commands:".
commands=$("$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar "$jar" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^[^ ]/ { on = 0 }')
for c in $commands; do
  [ "$c" = help ] && continue
  echo ".SH \"ferry $c\""
  echo ".nf"
  help "$c"
  echo ".fi"
done
cat <<EOF
.SH FILES
/etc/ferry/agent.yaml, /etc/ferry/instruments.d/*.yaml (configuration),
/var/lib/ferry (buffer and state), /etc/default/ferry (JAVA_OPTS).
.SH SEE ALSO
.BR systemctl (1),
.BR journalctl (1)
EOF
