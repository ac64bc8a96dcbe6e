#!/usr/bin/env bash
# The Debian packages the test suite needs. Installs what is missing when run as root;
# otherwise names the exact command and fails — never a silent skip.
set -euo pipefail

need=()
# WenQuanYi: TrueType outlines, so PDF text stays extractable with pypdf (see printing/fonts.py)
fc-list 2>/dev/null | grep -qi 'WenQuanYi Zen Hei' || need+=(fonts-wqy-zenhei)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v rsvg-convert >/dev/null || need+=(librsvg2-bin)
command -v chromium >/dev/null || need+=(chromium)
command -v tmux >/dev/null || need+=(tmux)
command -v faketime >/dev/null || need+=(faketime)  # tests/core/test_faketime.py, make test-dates
command -v fc-list >/dev/null || need+=(fontconfig)

if ((${#need[@]} == 0)); then
  exit 0
fi
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
  echo "sysdeps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  exit 0
fi
echo "sysdeps: the test suite needs Debian packages that are missing: ${need[*]}" >&2
echo "sysdeps: install them with:  sudo apt-get install -y ${need[*]}" >&2
exit 1
