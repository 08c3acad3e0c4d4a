#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser: there is no internet here).
set -euo pipefail
if [ -x /usr/bin/chromium ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "需要 /usr/bin/chromium 与中文字体：请以 root 运行 apt-get install chromium fonts-noto-cjk" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
