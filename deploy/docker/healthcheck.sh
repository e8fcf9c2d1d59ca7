#!/bin/sh
# Healthcheck of the apimeter images: healthy when the URL answers 2xx. POSIX sh, no bash needed;
# uses curl where the image has it, else Java's own HTTP client (every apimeter image has Java).
url="${1:?usage: healthcheck URL}"
if command -v curl >/dev/null 2>&1; then
  exec curl -fsS -o /dev/null --max-time 2 "$url"
fi
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -Xmx16m /usr/local/bin/Healthcheck.java "$url"
