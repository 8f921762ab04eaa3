# shellcheck shell=bash
# Helpers for the interop scenarios: free ports, brokers started and stopped by PID, bounded
# client calls, background subscribers that are known to be subscribed, and assertions that print
# a diff. Sourced by run-*.sh; needs bash, coreutils (timeout, stdbuf), python3 and
# mosquitto-clients.
#
# Every process a scenario starts in the background is recorded in "$WORK/pids" as
# "PID STARTTIME" so that it can be stopped by PID, and only if it is still the same process,
# even by the runner after the scenario's own shell was killed by its timeout.

IX_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck disable=SC2034  # used by the scripts that source this file
IX_ROOT=$(cd "$IX_LIB_DIR/.." && pwd)

: "${MOSQUITTO:=$(command -v mosquitto || echo /usr/sbin/mosquitto)}"
: "${IX_HOST:=127.0.0.1}"
: "${IX_START_TIMEOUT:=5}"     # seconds for a broker to accept connections
: "${IX_STOP_TIMEOUT:=5}"      # seconds for a broker to exit after SIGTERM
: "${IX_CLIENT_TIMEOUT:=20}"   # hard bound on any foreground client call
: "${IX_BG_LIFETIME:=20}"      # -W given to background subscribers
: "${IX_WAIT_TIMEOUT:=10}"     # seconds to wait for expected output to show up
: "${IX_QUIET_PERIOD:=0.3}"    # seconds to wait for unexpected extra messages

IX_FAILURES=0

# --- processes ---------------------------------------------------------------------------------

ix_starttime() { # PID -> field 22 of /proc/PID/stat, empty if gone
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }          # the command name may hold spaces; fields restart after ") "
    # shellcheck disable=SC2086  # split into fields on purpose
    set -- $stat
    echo "${20}"
}

ix_track() { # PID: remember a background process of this scenario
    echo "$1 $(ix_starttime "$1")" >>"$WORK/pids"
}

ix_alive() { # PID: running and not a zombie
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# ix_kill_tracked PIDFILE: stop every recorded process that is still the one we started
# (TERM, then KILL after 2 s). Safe to call from any process, any number of times.
ix_kill_tracked() {
    local file=$1 pid start left=() i
    [ -f "$file" ] || return 0
    while read -r pid start; do
        [ -n "$pid" ] || continue
        if ix_alive "$pid" && [ "$(ix_starttime "$pid")" = "$start" ]; then
            kill -TERM "$pid" 2>/dev/null && left+=("$pid")
        fi
    done <"$file"
    for ((i = 0; i < 20 && ${#left[@]} > 0; i++)); do
        local still=()
        for pid in "${left[@]}"; do ix_alive "$pid" && still+=("$pid"); done
        left=("${still[@]}")
        [ ${#left[@]} -eq 0 ] || sleep 0.1
    done
    for pid in "${left[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    return 0
}

# ix_wait_exit PID SECONDS: wait for a child of this shell to exit; sets IX_STATUS to its exit
# status. Returns 1 if it is still running after SECONDS.
ix_wait_exit() {
    local pid=$1 i
    for ((i = 0; i < $2 * 20; i++)); do
        ix_alive "$pid" || break
        sleep 0.05
    done
    ix_alive "$pid" && return 1
    wait "$pid" 2>/dev/null
    IX_STATUS=$?
    return 0
}

# --- brokers -----------------------------------------------------------------------------------

ix_free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

ix_port_open() { # PORT
    timeout 1 bash -c "exec 3<>/dev/tcp/$IX_HOST/$1" 2>/dev/null
}

# ix_start_broker KIND (starling|mosquitto): start a broker on a fresh port and wait until it
# accepts connections. Sets BROKER, BROKER_PID, BROKER_PORT, BROKER_LOG.
ix_start_broker() {
    BROKER=$1
    local attempt
    for attempt in 1 2 3; do
        BROKER_PORT=$(ix_free_port)
        BROKER_LOG="$WORK/broker.log"
        case $BROKER in
        starling)
            local args=(-p "$BROKER_PORT")
            [ "${IX_VERBOSE:-0}" = 1 ] && args+=(-v)
            "$STARLING" "${args[@]}" >>"$BROKER_LOG" 2>&1 &
            ;;
        mosquitto)
            {
                echo "listener $BROKER_PORT $IX_HOST"
                echo "allow_anonymous true"
                echo "persistence false"
                echo "log_dest stderr"
                [ "${IX_VERBOSE:-0}" = 1 ] && echo "log_type all"
            } >"$WORK/mosquitto.conf"
            "$MOSQUITTO" -c "$WORK/mosquitto.conf" >>"$BROKER_LOG" 2>&1 &
            ;;
        *) ix_die "unknown broker '$BROKER'" ;;
        esac
        BROKER_PID=$!
        ix_track "$BROKER_PID"
        local ticks=$((IX_START_TIMEOUT * 20)) i
        for ((i = 0; i < ticks; i++)); do
            ix_alive "$BROKER_PID" || break
            if ix_port_open "$BROKER_PORT"; then return 0; fi
            sleep 0.05
        done
        if ix_alive "$BROKER_PID"; then
            ix_die "$BROKER did not accept connections on port $BROKER_PORT within ${IX_START_TIMEOUT}s"
        fi
        wait "$BROKER_PID" 2>/dev/null
        echo "note: $BROKER exited with status $? on port $BROKER_PORT (attempt $attempt); retrying"
    done
    ix_die "$BROKER could not be started; log:$(printf '\n'; tail -n 20 "$BROKER_LOG")"
}

# ix_stop_broker: SIGTERM by PID; the broker must exit with status 0 within IX_STOP_TIMEOUT.
ix_stop_broker() {
    [ -n "${BROKER_PID:-}" ] || return 0
    kill -TERM "$BROKER_PID" 2>/dev/null
    if ! ix_wait_exit "$BROKER_PID" "$IX_STOP_TIMEOUT"; then
        kill -KILL "$BROKER_PID" 2>/dev/null
        wait "$BROKER_PID" 2>/dev/null
        ix_fail "$BROKER did not exit within ${IX_STOP_TIMEOUT}s of SIGTERM"
    elif [ "$IX_STATUS" -ne 0 ]; then
        ix_fail "$BROKER exited with status $IX_STATUS after SIGTERM (expected 0)"
    fi
    BROKER_PID=
}

ix_broker_log_tail() {
    [ -f "${BROKER_LOG:-}" ] || return 0
    echo "--- last lines of the $BROKER log ($BROKER_LOG):"
    tail -n "${1:-15}" "$BROKER_LOG" | sed 's/^/    /'
}

# --- clients -----------------------------------------------------------------------------------

# pub / sub ARGS...: bounded foreground mosquitto_pub / mosquitto_sub against the broker under
# test. Exit status 124 means the call hit IX_CLIENT_TIMEOUT.
pub() { timeout -k 2 "$IX_CLIENT_TIMEOUT" mosquitto_pub -h "$IX_HOST" -p "$BROKER_PORT" "$@"; }
sub() { timeout -k 2 "$IX_CLIENT_TIMEOUT" mosquitto_sub -h "$IX_HOST" -p "$BROKER_PORT" "$@"; }

# sub_bg NAME ARGS...: start a mosquitto_sub in the background (debug output on, line-buffered,
# at most IX_BG_LIFETIME seconds) and return once its SUBACK has arrived. Its messages are read
# with sub_out NAME. Started without a `timeout` wrapper so that NAME's PID is mosquitto_sub
# itself (the will scenario SIGKILLs it); -W bounds it instead.
sub_bg() {
    local name=$1
    shift
    stdbuf -oL mosquitto_sub -d -h "$IX_HOST" -p "$BROKER_PORT" -W "$IX_BG_LIFETIME" "$@" \
        >"$WORK/$name.raw" 2>"$WORK/$name.err" &
    local pid=$!
    echo "$pid" >"$WORK/$name.pid"
    ix_track "$pid"
    local i
    for ((i = 0; i < IX_WAIT_TIMEOUT * 20; i++)); do
        local granted
        if granted=$(grep -a -m 1 '^Subscribed (mid: [0-9]*):' "$WORK/$name.raw" 2>/dev/null); then
            case " ${granted#*): } " in
            *" 128 "*) ix_fail "subscriber $name: the broker refused a subscription (SUBACK 0x80): $granted" ;;
            esac
            return 0
        fi
        if ! ix_alive "$pid"; then
            ix_fail "subscriber $name exited before its SUBACK arrived: $(cat "$WORK/$name.raw" "$WORK/$name.err")"
            return 1
        fi
        sleep 0.05
    done
    ix_fail "subscriber $name got no SUBACK within ${IX_WAIT_TIMEOUT}s: $(cat "$WORK/$name.raw")"
    return 1
}

sub_pid() { cat "$WORK/$1.pid"; }

# sub_out NAME: what subscriber NAME printed, less mosquitto_sub's -d lines.
sub_out() {
    grep -a -v -E '^(Client .* (sending|received) [A-Z]+( |$)|Subscribed \(mid: [0-9]+\):)' \
        "$WORK/$1.raw" 2>/dev/null
    return 0
}

sub_count() { sub_out "$1" | wc -l | tr -d ' '; }

# sub_wait_count NAME N: wait (bounded) until subscriber NAME printed at least N lines.
sub_wait_count() {
    local i
    for ((i = 0; i < IX_WAIT_TIMEOUT * 20; i++)); do
        [ "$(sub_count "$1")" -ge "$2" ] && return 0
        sleep 0.05
    done
    return 1
}

# sub_wait NAME: wait (bounded) for subscriber NAME to exit by itself; sets IX_STATUS.
sub_wait() {
    if ! ix_wait_exit "$(sub_pid "$1")" "$((IX_BG_LIFETIME + 5))"; then
        ix_fail "subscriber $1 did not exit"
        return 1
    fi
}

# sub_stop NAME...: let extra messages arrive for IX_QUIET_PERIOD, then stop the subscribers with
# SIGTERM (mosquitto_sub disconnects cleanly and flushes its output) and wait for them.
sub_stop() {
    local name pid
    sleep "$IX_QUIET_PERIOD"
    for name in "$@"; do kill -TERM "$(sub_pid "$name")" 2>/dev/null; done
    for name in "$@"; do
        pid=$(sub_pid "$name")
        ix_wait_exit "$pid" 5 || { kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
    done
}

# ix_raw_exchange HEX: open a TCP connection, send the bytes, print the bytes received (hex, or
# "-" for none) and whether the broker then "closed" the connection, "reset" it, or left it
# "open" after 3 s. For conversations the stock clients cannot have.
ix_raw_exchange() {
    python3 - "$IX_HOST" "$BROKER_PORT" "$1" <<'EOF'
import socket, sys, time
host, port, data = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
s = socket.create_connection((host, port), timeout=3)
s.sendall(data)
got, state = b"", "open"
deadline = time.monotonic() + 3
try:
    while time.monotonic() < deadline:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        chunk = s.recv(65536)
        if not chunk:
            state = "closed"
            break
        got += chunk
except socket.timeout:
    pass
except ConnectionResetError:
    state = "reset"
print(got.hex(" ") if got else "-", state)
EOF
}

# --- assertions --------------------------------------------------------------------------------

ix_fail() {
    IX_FAILURES=$((IX_FAILURES + 1))
    printf 'FAIL: %s\n' "$*"
}

ix_die() {
    printf 'FAIL: %s\n' "$*"
    IX_FAILURES=$((IX_FAILURES + 1))
    exit 1
}

# ix_skip REASON: this scenario does not apply to this broker (exit 77, counted as skipped).
ix_skip() {
    printf 'SKIP: %s\n' "$*"
    exit 77
}

# assert_eq WHAT EXPECTED ACTUAL: compare two texts line by line; print a unified diff.
assert_eq() {
    if [ "$2" == "$3" ]; then return 0; fi
    ix_fail "$1"
    diff -u --label expected --label actual <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/    /'
    return 1
}

# assert_status WHAT EXPECTED ACTUAL
assert_status() {
    if [ "$2" -eq "$3" ]; then return 0; fi
    local note=""
    [ "$3" -eq 124 ] && note=" (124: the client call timed out)"
    ix_fail "$1: exit status $3, expected $2$note"
    return 1
}

# assert_match WHAT ERE ACTUAL
assert_match() {
    if printf '%s\n' "$3" | grep -q -E -- "$2"; then return 0; fi
    ix_fail "$1: expected a match for /$2/, got:"
    printf '%s\n' "$3" | sed 's/^/    /'
    return 1
}

# assert_no_match WHAT ERE ACTUAL
assert_no_match() {
    local hits
    hits=$(printf '%s\n' "$3" | grep -E -- "$2") || return 0
    ix_fail "$1: expected no line matching /$2/, got:"
    printf '%s\n' "$hits" | sed 's/^/    /'
    return 1
}

# assert_same_file WHAT EXPECTED_FILE ACTUAL_FILE: byte-identical (cmp).
assert_same_file() {
    if cmp -s "$2" "$3"; then return 0; fi
    ix_fail "$1: $(cmp "$2" "$3" 2>&1 | head -n 1) (expected $(wc -c <"$2") bytes, got $(wc -c <"$3" 2>/dev/null || echo 0))"
    return 1
}

# --- the runner shared by run-*.sh ------------------------------------------------------------
# A script sets IX_SELF (its own path), IX_NAME (names the run's header and temporary folders),
# IX_BROKERS, IX_SCENARIO_TIMEOUT and SCENARIOS (the names of its sc_* functions without the
# prefix), defines ix_preflight (checks tools and binaries; exits 2 when one is missing) and
# ix_header (one line describing the run), then calls `ix_main "$@"`. Each scenario × broker runs
# as `IX_SELF --one SCENARIO BROKER` in its own process under `timeout`; exit status 0 passes,
# 77 skips (the scenario does not apply to that broker), anything else fails. With
# IX_PASS_DETAILS=1 a passing run's indented lines ("    ...") are shown too.

ix_run_one() { # SCENARIO BROKER
    local scenario=$1 broker=$2
    declare -F "sc_$scenario" >/dev/null || { echo "unknown scenario '$scenario'"; exit 2; }
    WORK=${IX_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/$IX_NAME-$scenario-$broker.XXXXXX")}
    mkdir -p "$WORK"
    : >"$WORK/pids"
    trap 'ix_kill_tracked "$WORK/pids"' EXIT
    trap 'echo "interrupted"; exit 143' TERM INT
    ix_start_broker "$broker"
    echo "$broker pid $BROKER_PID on port $BROKER_PORT, work dir $WORK"
    "sc_$scenario"
    ix_stop_broker
    if [ "$IX_FAILURES" -gt 0 ]; then
        ix_broker_log_tail 15
        exit 1
    fi
    exit 0
}

# The scenario runs under `timeout`, which puts itself in a process group of its own (so that a
# timeout kills everything the scenario started), so a terminal's Ctrl-C does not reach it:
# forward INT/TERM to that group. The runner waits for it with `wait`, which a trapped signal
# interrupts at once.
ix_interrupted() {
    echo "interrupted; logs in $IX_RUN_DIR"
    if [ -n "$IX_CURRENT" ]; then
        kill -TERM -- "-$IX_CURRENT" 2>/dev/null || kill -TERM "$IX_CURRENT" 2>/dev/null
        ix_wait_exit "$IX_CURRENT" 8
    fi
    exit 130
}

# Checks that the programs a run needs exist: mosquitto and starling when BROKERS names them, and
# shop. starling and shop are built first when missing from their default path (IX_DEFAULT_starling,
# IX_DEFAULT_shop set to 1 by the script).
ix_require_programs() { # BROKERS
    local product variable default
    case " $1 " in *" mosquitto "*)
        [ -x "$MOSQUITTO" ] || { echo "mosquitto not found at $MOSQUITTO (set MOSQUITTO)" >&2; exit 2; } ;;
    esac
    for product in starling shop; do
        variable=${product^^}
        [ "$product" = starling ] && case " $1 " in *" starling "*) ;; *) continue ;; esac
        default=IX_DEFAULT_$product
        if [ ! -x "${!variable}" ] && [ "${!default:-0}" = 1 ]; then
            echo "== building $product (swift build --product $product)"
            swift build --product "$product" >&2 || { echo "swift build failed" >&2; exit 2; }
        fi
        [ -x "${!variable}" ] || { echo "$product not found at ${!variable} (set $variable)" >&2; exit 2; }
    done
}

ix_main() { # "$@" of the script: --one SCENARIO BROKER | --list | [SCENARIO ...]
    if [ "${1:-}" = --one ]; then
        [ $# -eq 3 ] || { echo "usage: $IX_SELF --one SCENARIO BROKER" >&2; exit 2; }
        ix_run_one "${2#sc_}" "$3"
    fi
    if [ "${1:-}" = --list ]; then
        printf '%s\n' "${SCENARIOS[@]}"
        exit 0
    fi
    local selected=() arg
    for arg in "$@"; do
        arg=${arg#sc_}
        declare -F "sc_$arg" >/dev/null || { echo "unknown scenario '$arg' (see --list)" >&2; exit 2; }
        selected+=("$arg")
    done
    [ ${#selected[@]} -gt 0 ] || selected=("${SCENARIOS[@]}")
    ix_preflight

    IX_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$IX_NAME.XXXXXX")
    IX_CURRENT=
    # shellcheck disable=SC2154  # d is the loop variable inside the trap
    trap 'for d in "$IX_RUN_DIR"/*/; do ix_kill_tracked "$d/pids"; done' EXIT
    trap ix_interrupted INT TERM

    local passed=0 failed=0 skipped=0 started=$SECONDS scenario broker dir t0 rc took verdict
    local -A result=()
    local failures=()
    echo "== $(ix_header)"
    for scenario in "${selected[@]}"; do
        for broker in $IX_BROKERS; do
            dir="$IX_RUN_DIR/$scenario.$broker"
            mkdir -p "$dir"
            t0=$(date +%s%N)
            IX_WORK=$dir timeout -k 5 "$IX_SCENARIO_TIMEOUT" bash "$IX_SELF" --one "$scenario" "$broker" \
                >"$dir/output" 2>&1 </dev/null &
            IX_CURRENT=$!
            wait "$IX_CURRENT"
            rc=$?
            IX_CURRENT=
            ix_kill_tracked "$dir/pids"
            took=$((($(date +%s%N) - t0) / 100000000))
            took="$((took / 10)).$((took % 10))s"
            case $rc in
            0) verdict=PASS; passed=$((passed + 1)) ;;
            77) verdict=SKIP; skipped=$((skipped + 1)) ;;
            *)
                verdict=FAIL; failed=$((failed + 1)); failures+=("$scenario [$broker]")
                [ $rc -eq 124 ] || [ $rc -eq 137 ] &&
                    echo "FAIL: scenario killed after ${IX_SCENARIO_TIMEOUT}s (timeout)" >>"$dir/output"
                ;;
            esac
            result[$scenario.$broker]=$verdict
            printf '%-4s %-32s %-10s %6s\n' "$verdict" "$scenario" "$broker" "$took"
            case $verdict in
            FAIL) sed 's/^/     | /' "$dir/output" ;;
            SKIP) grep '^SKIP:' "$dir/output" | sed 's/^/     | /' ;;
            PASS) [ "${IX_PASS_DETAILS:-0}" = 1 ] && grep -a '^    ' "$dir/output" | sed 's/^/     | /' ;;
            esac
        done
    done

    echo
    echo "== summary ($((SECONDS - started))s)"
    printf '%-32s' scenario
    for broker in $IX_BROKERS; do printf ' %-10s' "$broker"; done
    echo
    for scenario in "${selected[@]}"; do
        printf '%-32s' "$scenario"
        for broker in $IX_BROKERS; do printf ' %-10s' "${result[$scenario.$broker]}"; done
        echo
    done
    [ ${#failures[@]} -eq 0 ] || printf 'failed: %s\n' "${failures[@]}"
    if [ $failed -gt 0 ] || [ "${IX_KEEP:-0}" = 1 ]; then
        echo "logs and outputs kept in $IX_RUN_DIR"
    else
        rm -rf "$IX_RUN_DIR"
    fi
    echo "$skipped skipped (scenarios that do not apply to a broker)"
    echo "$passed passed, $failed failed"
    [ $failed -eq 0 ]
}
