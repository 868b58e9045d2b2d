# Turns a test runner's log into the closing line every test script prints:
# "<language>: N passed, M failed" (", K skipped: why" when some were skipped).
# Usage: summarize LANGUAGE PASSED FAILED [SKIPPED REASON]

summarize() {
    local language="$1" passed="$2" failed="$3" skipped="${4:-0}" reason="${5:-}"
    if [[ "$skipped" -gt 0 ]]; then
        echo "$language: skipped $skipped: $reason"
    fi
    echo "$language: $passed passed, $failed failed"
}
