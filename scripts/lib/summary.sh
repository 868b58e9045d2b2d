# The closing line every test script prints: "<language>: N passed, M
# failed" (", K skipped: why" when some were skipped), and the one way a
# stage counts its own checks into `passed` and `failed`.
# Usage: summarize LANGUAGE PASSED FAILED [SKIPPED REASON]
#        check DESCRIPTION COMMAND   (COMMAND is eval'd; FAIL DESCRIPTION when it fails)

summarize() {
    local language="$1" passed="$2" failed="$3" skipped="${4:-0}" reason="${5:-}"
    if [[ "$skipped" -gt 0 ]]; then
        echo "$language: skipped $skipped: $reason"
    fi
    echo "$language: $passed passed, $failed failed"
}

check() {
    if eval "$2"; then passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi
}
