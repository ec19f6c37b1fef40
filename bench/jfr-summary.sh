#!/usr/bin/env bash
# Where a JFR recording's execution samples go: by thread, by what the code was doing, and the
# hottest frames. Usage: bench/jfr-summary.sh recording.jfr [top frames, 25]
#
# "What the code was doing" walks each stack from the running frame outwards and takes the first
# frame of a known kind: the JDK's own classes are skipped (a HashMap inside Jackson counts as
# JSON) except for cryptography and NIO. Vert.x runs a request's later steps inside the call
# that completed the earlier one, so the outer frames of a stack do not say what runs; the inner
# ones do.
set -euo pipefail
file=$1
top=${2:-25}

jfr print --events jdk.ExecutionSample --stack-depth 256 "$file" | awk -v top="$top" '
function kind(f) {
  if (f ~ /^(com\.nimbusds|sun\.security|java\.math\.|java\.security|javax\.crypto|com\.sun\.crypto)/) return "token verification (JWT parsing, RSA)"
  if (f ~ /^(io\.vertx\.openapi|io\.vertx\.json\.schema|io\.vertx\.ext\.web\.openapi)/) return "contract validation (vertx-openapi, json-schema)"
  if (f ~ /^(io\.vertx\.pgclient|io\.vertx\.sqlclient)/) return "SQL client (PostgreSQL protocol, pool)"
  if (f ~ /^(com\.fasterxml\.jackson|io\.vertx\.core\.json)/) return "JSON (Jackson, JsonObject)"
  if (f ~ /^(io\.micrometer|io\.vertx\.micrometer|io\.prometheus)/) return "metrics (Micrometer)"
  if (f ~ /^ch\.qos\.logback|^org\.slf4j/) return "logging"
  if (f ~ /^zhangban\./) return "application code (zhangban)"
  if (f ~ /^io\.vertx\.ext\.(web|auth)/) return "router and auth handlers (vertx-web)"
  if (f ~ /^(io\.netty|sun\.nio|java\.nio)/) return "network I/O (Netty, NIO)"
  if (f ~ /^io\.vertx\.core/) return "Vert.x core (HTTP, futures, context)"
  if (f ~ /^(java\.|jdk\.|sun\.)/) return ""
  split(f, p, "."); return "other: " p[1] "." p[2]
}
/^jdk\.ExecutionSample/ { n = 0; thread = "?"; next }
/sampledThread = / {
  thread = $0; sub(/.*sampledThread = "/, "", thread); sub(/".*/, "", thread); gsub(/[0-9]+/, "N", thread); next
}
/stackTrace = \[/ { in_stack = 1; next }
in_stack && /^[ \t]*\]/ {
  in_stack = 0; total++; threads[thread]++
  if (n > 0) { self[frames[1]]++ }
  k = ""
  for (i = 1; i <= n && k == ""; i++) k = kind(frames[i])
  if (k == "") k = "JDK only"
  kinds[k]++
  next
}
in_stack {
  f = $0; sub(/^[ \t]+/, "", f); sub(/[ \t]+line:.*$/, "", f)
  if (f != "...") frames[++n] = f
  next
}
END {
  if (total == 0) { print "no execution samples"; exit }
  printf "%d samples\n\nby thread:\n", total
  for (t in threads) printf "%6.1f%%  %s\n", 100 * threads[t] / total, t | "sort -rn"
  close("sort -rn")
  printf "\nby what runs (innermost known frame):\n"
  for (k in kinds) printf "%6.1f%%  %s\n", 100 * kinds[k] / total, k | "sort -rn"
  close("sort -rn")
  printf "\nhottest frames (self):\n"
  for (f in self) printf "%6.1f%%  %s\n", 100 * self[f] / total, f | ("sort -rn | head -" top)
  close("sort -rn | head -" top)
}'
