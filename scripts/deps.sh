#!/bin/sh
# Install the Debian packages Traceformer needs, when they are missing.
# As root: installs them with apt-get. Otherwise: prints the exact command
# and stops with exit code 1.
set -eu
# libpango1.0-dev and libcairo2-dev lay out and draw the lesson handout (a
# PDF); poppler-utils (pdftotext, pdfinfo) reads it back in the tests.
# clang and libclang-rt-dev (libFuzzer and the sanitizer runtimes; on Debian 12
# clang only recommends them) serve `make fuzz` and the fuzz pass of make test.
PKGS="build-essential pkg-config libncurses-dev libcmocka-dev libinih-dev libdeflate-dev zlib1g-dev libopenblas-dev gnuplot-nox fonts-wqy-microhei libpng-dev libpango1.0-dev libcairo2-dev poppler-utils fortunes-zh tmux locales valgrind clang libclang-rt-dev"
missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "traceformer: missing Debian packages:$missing" >&2
    echo "hint: run  sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# An update only when the package lists are absent or the install fails.
if ! apt-get install -y -q $missing >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get install -y -q $missing
fi
