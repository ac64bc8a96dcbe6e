#!/usr/bin/env bash
# `make run`, after seeding: the demo loop in one terminal.
#
# Starts the reference back office (`clerk backoffice-sim`) in the background for this session,
# runs the workstation (`clerk`, embedded hall) in the foreground, and stops the simulator when
# the workstation exits (trap on EXIT: also after Ctrl+C or an error). The embedded hall cannot
# be called back (it listens on a Unix socket only), so it polls the back office — every few
# seconds here, and the simulator decides in a few seconds per step, so a case accepted at the
# window goes 待推送 → 已推送 → 审批中 → 办结 → 已制证 → 待取件 on the open case view within about
# half a minute (one in five comes back 需补正, to show resubmission).
#
# Override with the usual settings: CLERK_BACKOFFICE__POLL_INTERVAL_S, and for the simulator
# CLERK_DEMO_SIM_PORT, CLERK_DEMO_SIM_DELAYS ("min max" seconds), CLERK_DEMO_SIM_ODDS.
set -euo pipefail

BIN="${BIN:-.venv/bin}"
PORT="${CLERK_DEMO_SIM_PORT:-8471}"
read -r DELAY_MIN DELAY_MAX <<<"${CLERK_DEMO_SIM_DELAYS:-3 6}"
ODDS="${CLERK_DEMO_SIM_ODDS:-approved=0.8,needs_correction=0.2}"

export CLERK_BACKOFFICE__DEFAULT_ENDPOINT="${CLERK_BACKOFFICE__DEFAULT_ENDPOINT:-http://127.0.0.1:${PORT}}"
export CLERK_BACKOFFICE__POLL_INTERVAL_S="${CLERK_BACKOFFICE__POLL_INTERVAL_S:-3}"
export CLERK_BACKOFFICE__TICK_S="${CLERK_BACKOFFICE__TICK_S:-0.5}"
export CLERK_BACKOFFICE__BACKOFF_BASE_S="${CLERK_BACKOFFICE__BACKOFF_BASE_S:-1}"
export CLERK_BACKOFFICE__BACKOFF_MAX_S="${CLERK_BACKOFFICE__BACKOFF_MAX_S:-10}"

LOG_DIR="$("$BIN/python" -c 'from clerk import paths; print(paths.log_dir())')"
mkdir -p "$LOG_DIR"
SIM_LOG="$LOG_DIR/backoffice-sim.out"

listening() {
    "$BIN/python" - "$PORT" <<'PY'
import socket, sys
with socket.socket() as s:
    s.settimeout(0.3)
    sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
}

sim_pid=""
stop_sim() {
    if [[ -n "$sim_pid" ]] && kill -0 "$sim_pid" 2>/dev/null; then
        kill "$sim_pid" 2>/dev/null || true
        wait "$sim_pid" 2>/dev/null || true
    fi
}
trap stop_sim EXIT

if listening; then
    echo "demo: a back office already answers on 127.0.0.1:${PORT}; using it"
else
    "$BIN/clerk" backoffice-sim --port "$PORT" --delay-min "$DELAY_MIN" --delay-max "$DELAY_MAX" \
        --odds "$ODDS" >"$SIM_LOG" 2>&1 &
    sim_pid=$!
    for _ in $(seq 1 100); do
        listening && break
        if ! kill -0 "$sim_pid" 2>/dev/null; then
            echo "demo: the back-office simulator did not start; see $SIM_LOG" >&2
            cat "$SIM_LOG" >&2 || true
            exit 1
        fi
        sleep 0.1
    done
    echo "demo: back office (clerk backoffice-sim) on http://127.0.0.1:${PORT}, pid ${sim_pid}, log ${SIM_LOG}"
fi

"$BIN/clerk" "$@"
