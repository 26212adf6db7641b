#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One entry point for a fresh Debian/Ubuntu machine: installs what the build needs (through sudo
# when not root), configures a CMake preset, builds, and runs.
#
#   ./run.sh demo [args]   build and run the main demo, the QML dashboard (without a display:
#                          5 s offscreen, printing its figures and saving dashboard.png)
#   ./run.sh test          build (warnings are errors) and run the whole test suite
#   ./run.sh asan          the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer
#   ./run.sh tsan          the threaded suites under ThreadSanitizer
set -euo pipefail
cd "$(dirname "$0")"

packages=(cmake ninja-build g++ qt6-base-dev qt6-declarative-dev qt6-declarative-dev-tools
          qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
          qml6-module-qtquick qml6-module-qtquick-window qml6-module-qttest)

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

mode=${1:-}
[ $# -gt 0 ] && shift
case "$mode" in
demo)
    ensure_packages
    build dev dashboard
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ $# -eq 0 ]; then
        echo "run.sh: no display: running the dashboard offscreen for 5 seconds" >&2
        exec build/dev/examples/dashboard/dashboard --offscreen --seconds 5 --screenshot dashboard.png
    fi
    exec build/dev/examples/dashboard/dashboard "$@"
    ;;
test)
    ensure_packages
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
    build tsan
    ctest --preset tsan "$@"
    ;;
*)
    sed -n '3,10p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
