#!/usr/bin/env bash
# `make test-dates`: the whole suite today and on two other days, with the process (and every
# child: xdist workers, `clerk serve`, Chromium) believing it is that day through Debian's
# faketime. PostgreSQL keeps the real time, so anything that mixes the database's clock with the
# process's fails here. Runs every day, prints each one's time, fails if any day failed.
set -uo pipefail

BIN=${BIN:-.venv/bin}
WORKERS=${PYTEST_WORKERS:-2}
# The days: an ordinary working Tuesday in the shipped file's estimated 2027, and a January day
# in a year neither chinesecalendar nor the holiday file knows (the 12 months ahead all estimated).
DAYS=("today" "2027-06-15 10:00" "2030-01-02 09:00")
[[ -n "${TEST_DATES:-}" ]] && IFS=',' read -r -a DAYS <<<"today,$TEST_DATES"

command -v faketime >/dev/null || {
  echo "test-dates: needs faketime:  sudo apt-get install -y faketime" >&2
  exit 1
}

pytest=("$BIN/python" -m pytest -q -n "$WORKERS" --dist worksteal --durations=15 "$@")
summary=()
failed=0
for day in "${DAYS[@]}"; do
  start=$SECONDS
  if [[ $day == today ]]; then
    echo "== test-dates: today ($(date -u '+%F %R') UTC)"
    "${pytest[@]}"
  else
    echo "== test-dates: faketime '$day' (the machine's zone: $(date +%Z))"
    faketime "$day" "${pytest[@]}"
  fi
  code=$?
  took=$((SECONDS - start))
  verdict=$([[ $code -eq 0 ]] && echo passed || echo "FAILED (exit $code)")
  summary+=("$(printf '%-18s %-18s %dm%02ds' "$day" "$verdict" $((took / 60)) $((took % 60)))")
  [[ $code -eq 0 ]] || failed=1
done
echo "== test-dates summary"
printf '   %s\n' "${summary[@]}"
exit $failed
