#!/usr/bin/env bash
# The first-run demo: build everything, then on this host run an embedded media driver, the SHM driver with
# discovery, a synthetic camera producer, a Flink MiniCluster job (TensorPoolSource -> thumbnail and mean
# brightness -> TensorPoolSink) and a consumer that checks every result. Ends by itself within a minute; exit status
# non-zero on failure.
#
#   ./demo.sh                    build (mvn install -DskipTests) and run the Flink demo
#   ./demo.sh --skip-build ...   run without building (after a build)
#   ./demo.sh --engine core      the same pipeline with plain tensorpool clients instead of Flink
#   ./demo.sh --frames 300 --rate 60
set -euo pipefail
cd "$(dirname "$0")"

build=1
args=()
for arg in "$@"; do
    if [ "$arg" = "--skip-build" ]; then build=0; else args+=("$arg"); fi
done

if [ "$build" = 1 ]; then
    echo "[demo] building (mvn -B -q install -DskipTests) ..."
    mvn -B -q install -DskipTests
fi

classpath_file=examples/target/demo.classpath
if [ ! -f "$classpath_file" ]; then
    echo "demo: $classpath_file missing; build first: mvn -B -q package -DskipTests" >&2
    exit 1
fi

java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens java.base/java.io=ALL-UNNAMED \
    ${TENSORPOOL_JAVA_OPTS:-} \
    -cp "$(cat "$classpath_file")" \
    io.tensorpool.examples.demo.CameraDemo ${args[@]+"${args[@]}"}
