#!/usr/bin/env bash
# Build stage of every Pullproof image (services/*/Dockerfile, tools/cli/Dockerfile): builds one
# module with the reactor modules it needs and puts its jar and runtime dependencies in OUT.
#   bash services/image-jars.sh MODULE OUT
set -euo pipefail
module="${1:?usage: image-jars.sh MODULE OUT}"
out="${2:?usage: image-jars.sh MODULE OUT}"
mvn -B -q -Dquick -DskipTests -pl "$module" -am package \
  dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$out"
artifact="$(mvn -B -q -N -f "$module/pom.xml" help:evaluate -Dexpression=project.artifactId -DforceStdout)"
cp "$module/target/$artifact"-*.jar "$out/"
# A module that declares no logging backend (SLF4J alone logs nothing) gets the reactor's
# logback, at the version the parent POM pins.
if ! ls "$out" | grep -q '^logback-classic-'; then
  logback="$(mvn -B -q -N help:evaluate -Dexpression=logback.version -DforceStdout)"
  for a in logback-classic logback-core; do
    mvn -B -q dependency:copy -Dartifact="ch.qos.logback:$a:$logback" -DoutputDirectory="$out"
  done
fi
