#!/usr/bin/env bash
# Resume at scale: how long --resume takes to read a journal, and in how much memory, for
# journals of 10^6 and 10^7 lines (RESUME_SIZES="1000000 100000000" for the 10^8 figure:
# about 15 GB of disk and a few minutes). Two figures per size: `mpibatch-bench resume`
# (the journal read alone) and a whole `mpibatch run --resume` of a sweep whose tasks are
# all journaled (read, nothing to run, summary and timeline written), both under
# /usr/bin/time for the peak memory; then `mpibatch report` of that run (the end-of-run
# report step alone: timeline and report page redrawn from the journal).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-$PWD/.build/release/mpibatch}
BENCH=${BENCH:-$PWD/.build/release/mpibatch-bench}
WORK=${WORK:-$(mktemp -d /tmp/mpibatch-resume.XXXXXX)}
trap 'rm -rf "$WORK"' EXIT
cc -O2 -o "$WORK/journal-gen" bench/journal-gen.c
printf '%-12s %10s %14s %12s %14s %12s %10s\n' lines GB read_s read_MB run_resume_s run_MB report_s
for lines in ${RESUME_SIZES:-1000000 10000000}; do
    out=$WORK/run-$lines
    mkdir -p "$out"
    "$WORK/journal-gen" "$lines" >"$out/results.jsonl"
    printf 'name: resume-bench\nsweep:\n  grid:\n    i: {range: [0, %d, 1]}\n    mesh: [64]\ntask:\n  kernel: noop\n' "$lines" >"$WORK/job.yaml"
    hash=$("$BIN" plan "$WORK/job.yaml" | sed -n "s/.*content hash \([0-9a-f]*\).*/\1/p")
    printf '{"content_hash":"%s","name":"resume-bench","parts":[{"start_offset":0,"started_at":0}],"tasks_total":%d}\n' \
        "${hash:-unknown}" "$lines" >"$out/run.json"
    sync
    gb=$(python3 -c "import os; print(round(os.path.getsize('$out/results.jsonl') / 1e9, 2))")
    /usr/bin/time -f '%e %M' -o "$WORK/read.time" "$BENCH" resume "$out/results.jsonl" "$lines" >"$WORK/read.out"
    read -r read_s read_kb <"$WORK/read.time"
    /usr/bin/time -f '%e %M' -o "$WORK/run.time" "$BIN" run "$WORK/job.yaml" --out "$out" --resume --force --quiet
    read -r run_s run_kb <"$WORK/run.time"
    /usr/bin/time -f '%e' -o "$WORK/report.time" "$BIN" report "$out" >/dev/null
    read -r report_s <"$WORK/report.time"
    printf '%-12s %10s %14s %12s %14s %12s %10s\n' "$lines" "$gb" "$read_s" "$((read_kb / 1024))" "$run_s" "$((run_kb / 1024))" "$report_s"
    rm -rf "$out"
done
