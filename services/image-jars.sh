#!/usr/bin/env bash
# Build stage of every Pullproof image (services/*/Dockerfile, tools/cli/Dockerfile): builds one
# module with the reactor modules it needs and puts its jar and runtime dependencies in OUT.
#   bash services/image-jars.sh MODULE OUT        (run from the repository root)
set -euo pipefail
module="${1:?usage: image-jars.sh MODULE OUT}"
out="${2:?usage: image-jars.sh MODULE OUT}"
# Each module copies its runtime dependencies to its own target/dependency (the default): an
# -DoutputDirectory here would also redirect other plugins' outputs that read that property
# (the Avro code generator does), and would mix the -am modules' dependencies into one folder.
mvn -B -q -Dquick -DskipTests -pl "$module" -am package dependency:copy-dependencies -DincludeScope=runtime
mkdir -p "$out"
cp "$module"/target/dependency/*.jar "$out/"
cp "$module/target/pullproof-$(basename "$module")"-*.jar "$out/"
# A module that declares no logging backend (SLF4J alone logs nothing) gets the logback the
# parent POM pins.
if ! ls "$out" | grep -q '^logback-classic-'; then
  logback="$(sed -n 's:.*<logback.version>\(.*\)</logback.version>.*:\1:p' pom.xml)"
  for a in logback-classic logback-core; do
    mvn -B -q -N dependency:copy -Dartifact="ch.qos.logback:$a:$logback" -DoutputDirectory="$out"
  done
fi
