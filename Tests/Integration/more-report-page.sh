# report.html (issue 14 item 3) in a real browser: headless Chromium renders the page of a
# finished run; the Gantt has one row per rank and slot, the findings are listed, nothing
# is logged to the console, and a screenshot is kept (.build/test-artifacts/). Sourced by run-all.

report_page_in_chromium() {
    local browser
    browser=$(command -v chromium || command -v chromium-browser) ||
        { echo "SKIP: no chromium (scripts/install-deps --browser installs it)"; return 0; }
    local out=$WORK/page
    printf 'name: page\nsweep:\n  grid: {i: {range: [0, 300, 1]}}\ntask:\n  kernel: sleep\n  args: {ms: 5}\n' >"$WORK/page.yaml"
    expect_status 0 "${MPIRUN[@]}" -np 2 "$BIN" run "$WORK/page.yaml" --out "$out" --slots 2 --quiet || return 1
    [ -s "$out/report.html" ] || { echo "no report.html"; return 1; }
    grep -q "http" <(grep -o '<[a-z]* [^>]*\(src\|href\)="[^"]*"' "$out/report.html") && { echo "the page fetches something"; return 1; }
    local flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --user-data-dir="$WORK/chromium-profile")
    timeout 60 "$browser" "${flags[@]}" --enable-logging=stderr --v=0 --dump-dom "file://$out/report.html" \
        >"$WORK/page-dom.html" 2>"$WORK/page-console.log" || { tail -5 "$WORK/page-console.log"; return 1; }
    if grep -i "CONSOLE\|Uncaught" "$WORK/page-console.log"; then echo "console errors"; return 1; fi
    python3 - "$WORK/page-dom.html" <<'PY' || return 1
import re, sys
dom = open(sys.argv[1]).read()
rows = re.findall(r'class="label">(?:rank \d+ \([^)]*\) · )?slot \d+<', dom)  # the first slot of a rank names the rank
assert len(rows) == 4 and rows[0].count("rank 0") and rows[2].count("rank 1"), rows
for section in ("summary", "findings", "gantt", "busy", "durations", "ranks", "nodes"):
    assert f'id="{section}"' in dom, section
assert 'class="kind">io_bound<' in dom, "the I/O-bound finding is not listed"
PY
    mkdir -p .build/test-artifacts
    timeout 60 "$browser" "${flags[@]}" --window-size=1200,2400 --screenshot=".build/test-artifacts/report.png" \
        "file://$out/report.html" >/dev/null 2>&1 || return 1
    [ -s .build/test-artifacts/report.png ] && echo "screenshot: .build/test-artifacts/report.png"
}
check "report page: report.html renders in headless Chromium: a Gantt row per slot, findings, no console errors" report_page_in_chromium
