#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One entry point for a fresh Debian/Ubuntu machine: installs what the build needs (through sudo
# when not root), configures a CMake preset, builds, and runs.
#
#   ./run.sh demo [args]   build and run the main demo, the QML dashboard (without a display:
#                          5 s offscreen, printing its figures and saving dashboard.png)
#   ./run.sh demo mqtt     the same sensors in a process of their own (examples/sensorfarm),
#                          through a private Mosquitto on a free loopback port, into the
#                          dashboard (without a display: 5 s offscreen, dashboard-mqtt.png)
#   ./run.sh test          build (warnings are errors) and run the whole test suite
#   ./run.sh asan          the suite but the packaging checks under AddressSanitizer + UBSan
#   ./run.sh tsan          the threaded suites under ThreadSanitizer
#   ./run.sh soak [s]      the soak test: 8 threads of random operations for s seconds
#                          (default 10), then its end-state and leak checks
#   ./run.sh fuzz [s]      build the libFuzzer target with clang and fuzz for s seconds
#                          (default 60), starting from a copy of tests/fuzz/corpus
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake ninja-build g++ qt6-base-dev qt6-declarative-dev qt6-declarative-dev-tools
          qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
          qml6-module-qtquick qml6-module-qtquick-window qml6-module-qttest qml-qt6
          pkg-config
          mosquitto mosquitto-clients libmosquitto-dev openssl)
# The test suite also builds the API reference (HTML and .qch) and fails on any warning in it.
doc_packages=(doxygen qt6-documentation-tools)

ensure_packages() {
    local missing=()
    for p in "${packages[@]}" "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    [ "$(id -u)" -ne 0 ] && sudo=(sudo)
    echo "run.sh: installing ${missing[*]}" >&2
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() { # build <preset> [targets...]
    local preset=$1
    shift
    cmake --preset "$preset" >/dev/null
    if [ $# -gt 0 ]; then
        cmake --build --preset "$preset" --target "$@"
    else
        cmake --build --preset "$preset"
    fi
}

# demo_mqtt [dashboard args]: a Mosquitto of our own (listening on 127.0.0.1 only, nothing kept
# on disk), the sensor farm exporting to it and the dashboard importing from it. Whatever way the
# script ends, the farm and the broker are stopped and the temporary folder removed.
demo_dir=""
demo_pids=()
stop_demo() {
    local p
    for p in "${demo_pids[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    [ -n "$demo_dir" ] && rm -rf "$demo_dir"
}
demo_mqtt() {
    local port="" broker farm tries code=0
    trap stop_demo EXIT
    trap 'exit 130' INT TERM HUP
    demo_dir=$(mktemp -d)
    chmod 755 "$demo_dir" # mosquitto started as root reads its configuration as the user mosquitto
    # A free port: try a few at random; mosquitto exits at once when its port is taken.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        port=$((20000 + RANDOM % 40000))
        printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest stderr\nlog_type error\n' \
            "$port" >"$demo_dir/mosquitto.conf"
        chmod 644 "$demo_dir/mosquitto.conf"
        "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$demo_dir/mosquitto.conf" 2>"$demo_dir/mosquitto.log" &
        broker=$!
        demo_pids=("$broker")
        tries=0
        until ! kill -0 "$broker" 2>/dev/null || [ $((tries += 1)) -gt 50 ] \
            || mosquitto_sub -h 127.0.0.1 -p "$port" -t run.sh/ready -E -W 2 2>/dev/null; do
            sleep 0.1
        done
        kill -0 "$broker" 2>/dev/null && [ "$tries" -le 50 ] && break
        kill "$broker" 2>/dev/null || true
        wait "$broker" 2>/dev/null || true
        demo_pids=()
        port=""
    done
    if [ -z "$port" ]; then
        echo "run.sh: mosquitto did not start: $(cat "$demo_dir/mosquitto.log")" >&2
        return 1
    fi
    echo "run.sh: mosquitto on 127.0.0.1:$port; starting the sensor farm and the dashboard" >&2
    build/dev/examples/sensorfarm/sensorfarm --mqtt "127.0.0.1:$port" &
    farm=$!
    demo_pids=("$farm" "$broker") # the farm first: it says "offline" while the broker listens
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ $# -eq 0 ]; then
        echo "run.sh: no display: running the dashboard offscreen for 5 seconds" >&2
        set -- --offscreen --seconds 5 --screenshot dashboard-mqtt.png
    fi
    build/dev/examples/dashboard/dashboard --mqtt "127.0.0.1:$port" "$@" || code=$?
    return "$code"
}

mode=${1:-}
[ $# -gt 0 ] && shift
case "$mode" in
demo)
    ensure_packages
    if [ "${1:-}" = mqtt ]; then
        shift
        build dev dashboard sensorfarm
        demo_mqtt "$@"
        exit
    fi
    build dev dashboard
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ $# -eq 0 ]; then
        echo "run.sh: no display: running the dashboard offscreen for 5 seconds" >&2
        exec build/dev/examples/dashboard/dashboard --offscreen --seconds 5 --screenshot dashboard.png
    fi
    exec build/dev/examples/dashboard/dashboard "$@"
    ;;
test)
    ensure_packages "${doc_packages[@]}"
    build ci
    ctest --preset ci "$@"
    ;;
asan)
    ensure_packages
    build asan
    ctest --preset asan "$@"
    ;;
tsan)
    ensure_packages
    if [ $# -eq 0 ]; then
        # Only the tests the preset runs (label "threads") are built: each is the target of its
        # name, which depends on the programs and plugins it runs.
        cmake --preset tsan >/dev/null
        mapfile -t tsan_tests < <(ctest --preset tsan -N | sed -n 's/^ *Test *#[0-9]*: //p')
        [ ${#tsan_tests[@]} -gt 0 ] || { echo "run.sh: no test has the label threads" >&2; exit 1; }
        build tsan "${tsan_tests[@]}"
    else
        build tsan # the arguments may select any test
    fi
    ctest --preset tsan "$@"
    ;;
soak)
    ensure_packages
    build ci tst_soak
    # The test presets leave the soak out (label "soak"); run it from the build tree.
    DROPSLOT_SOAK_SECONDS=${1:-10} ctest --test-dir build/ci -L soak --output-on-failure
    ;;
fuzz)
    ensure_packages clang libclang-rt-14-dev
    build fuzz fuzz_bus
    # Fuzz a scratch copy of the seeds, so the committed corpus never grows; findings (the
    # input that failed) are written to build/fuzz/findings/.
    corpus=$(mktemp -d)
    trap 'rm -rf "$corpus"' EXIT
    cp tests/fuzz/corpus/* "$corpus"/
    mkdir -p build/fuzz/findings
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        build/fuzz/tests/fuzz/fuzz_bus -max_total_time="${1:-60}" -print_final_stats=1 \
        -artifact_prefix=build/fuzz/findings/ "$corpus"
    ;;
*)
    sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
