#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser: there is no internet here);
# screenshots need a CJK font; the 公文 test renders .docx to PDF with LibreOffice when it is present;
# the import tests build real .xls / .ods files with LibreOffice Calc.
set -euo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
[ -e /usr/lib/libreoffice/program/libsclo.so ] || need+=(libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "缺少 ${need[*]}：请以 root 运行 apt-get install ${need[*]}（浏览器测试需要 /usr/bin/chromium）" >&2
  [ -x /usr/bin/chromium ] && exit 0 || exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
