#!/bin/sh
# Render `tthc report --format xlsx` of the bundled plans to PNG pages with LibreOffice, to look at the chart
# and the detail sheet as an office sees them (issue 12). Needs soffice (libreoffice-calc-nogui) and pdftoppm
# (poppler-utils). Usage: benchmarks/render_report_xlsx.sh [OUTDIR]   (default: a new temporary folder)
set -eu
out=${1:-$(mktemp -d)}
here=$(cd "$(dirname "$0")/.." && pwd)
tthc=${TTHC:-"$here/.venv/bin/tthc"}
mkdir -p "$out"
db="$out/progress.db"
common="--plans $here/plans --db $db --today 2026-07-01"
# two completions, so one bar is not zero
$tthc done xuan-truong-cchc-2026:III.4 --occurrence "Tháng 4/2026" --date 2026-04-28 --evidence "BC 1" $common >/dev/null
$tthc done xuan-truong-cchc-2026:III.4 --occurrence "Tháng 5/2026" --date 2026-05-29 --evidence "BC 2" $common >/dev/null
$tthc report --period "Quý II/2026" $common --format xlsx -o "$out/bao-cao.xlsx" --force
(cd "$out" && timeout 120 soffice --headless --convert-to pdf bao-cao.xlsx >/dev/null)
pdftoppm -r 110 -png "$out/bao-cao.pdf" "$out/trang"
ls "$out"/trang*.png
