#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright 2026 The Backhaul authors
#
# run-e2e.sh APP CLI OUTPUT_DIR
#
# Runs test-e2e.py on a private D-Bus session bus and a private X server,
# so that the accessibility bus, the settings and the windows of the test
# touch nothing of the person running it. Exits 77 (skipped) when a tool
# it needs is missing, and says which.
set -eu

here=$(cd "$(dirname "$0")" && pwd)

for tool in dbus-run-session xvfb-run import xwininfo; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool is missing; skipping the end-to-end test"
    exit 77
  fi
done
if [ ! -x /usr/libexec/at-spi-bus-launcher ]; then
  echo "at-spi2-core is missing; skipping the end-to-end test"
  exit 77
fi

# pyatspi comes with the system's Python, which may not be the first
# python3 on PATH (pyenv, virtual environments).
python=
for candidate in /usr/bin/python3 python3; do
  if "$candidate" -c 'import pyatspi' >/dev/null 2>&1; then
    python=$candidate
    break
  fi
done
if [ -z "$python" ]; then
  echo "no python3 with pyatspi (python3-pyatspi); skipping the end-to-end test"
  exit 77
fi

# A server number of its own: xvfb-run --auto-servernum races with
# other test runs on the same machine that start at the same number.
# -noreset: by default the X server resets whenever its last client
# leaves (an xwininfo, the accessibility bus launcher), and a window
# that connects during the reset fails with "cannot open display".
exec dbus-run-session -- \
  xvfb-run --auto-servernum --server-num=$(($$ % 500 + 200)) \
  --server-args="-screen 0 1280x960x24 -noreset" \
  "$python" "$here/test-e2e.py" "$@"
