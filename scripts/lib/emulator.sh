# Starting the emulator from a shell script: the one helper shell scripts
# share (Python scripts use emulator.py beside this file).
#
#   source scripts/lib/emulator.sh
#   emulator_start BINARY WORKDIR [ARGS...]   # --port 0 is added
#   echo "$EMULATOR_URL (pid $EMULATOR_PID)"
#
# Waits up to 30 s for the URL the emulator prints first; on failure shows
# its stderr and returns 1. The caller stops it (kill "$EMULATOR_PID").

emulator_start() {
    local binary=$1 workdir=$2
    shift 2
    local out
    out=$(mktemp "$workdir/emulator.XXXXXX")
    "$binary" --port 0 "$@" >"$out" 2>"$out.err" &
    EMULATOR_PID=$!
    EMULATOR_URL=
    for _ in $(seq 1 300); do
        if [[ -s $out ]] && EMULATOR_URL=$(head -n 1 "$out") && [[ $EMULATOR_URL == http://* ]]; then
            return 0
        fi
        sleep 0.1
    done
    echo "the emulator did not start:" >&2
    cat "$out.err" >&2
    return 1
}
