#!/usr/bin/env bash
# Interop of Starling's command-line clients with Mosquitto's, through both brokers:
#   starling-pub -> mosquitto_sub and mosquitto_pub -> starling-sub, QoS 0/1/2, retained, will;
#   -F/-v/-N output byte-identical to mosquitto_sub's for the same messages;
#   the same exit codes (refused CONNACK, -W timeout, nobody listening);
#   a broker killed and restarted under a running starling-sub and starling-pub.
# Brokers are started on free loopback ports and stopped by PID; every client runs under `timeout`.
# Self-contained: needs bash, coreutils, swift, mosquitto and mosquitto-clients.
# The last line is exactly "N passed, M failed"; the exit status is non-zero when anything failed.

set -u
cd "$(dirname "$0")/.."

MOSQUITTO=${MOSQUITTO:-$(command -v mosquitto || echo /usr/sbin/mosquitto)}
WORK=$(mktemp -d /tmp/starling-client-interop.XXXXXX)
STARTED_PIDS=()
passed=0
failed=0

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); echo "ok   $1"; }
fail() {
    failed=$((failed + 1))
    echo "FAIL $1"
    shift
    local detail
    for detail in "$@"; do [ -n "$detail" ] && echo "$detail" | head -20 | sed 's/^/     | /'; done
}

# ---- build --------------------------------------------------------------------------------------

echo "== building"
if ! timeout 1800 swift build --product starling >"$WORK/build.log" 2>&1 ||
    ! timeout 1800 swift build --product starling-pub >>"$WORK/build.log" 2>&1 ||
    ! timeout 1800 swift build --product starling-sub >>"$WORK/build.log" 2>&1; then
    tail -30 "$WORK/build.log"
    echo "0 passed, 1 failed"
    exit 1
fi
BIN=$(swift build --show-bin-path)
STARLING="$BIN/starling"
SPUB="$BIN/starling-pub"
SSUB="$BIN/starling-sub"

# ---- brokers ------------------------------------------------------------------------------------

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port nothing listens on, below Linux's ephemeral range (32768 and up by default), so no outgoing
# connection of another process holds it as its local port.
free_port() {
    local port
    while true; do
        port=$((12000 + RANDOM % 20000))
        port_open "$port" || { echo "$port"; return; }
    done
}

wait_port() {
    local _
    for _ in $(seq 100); do
        port_open "$1" && return 0
        sleep 0.05
    done
    return 1
}

# start_fresh_broker KIND [mosquitto.conf lines...]: on a free port, trying another if the bind
# fails; sets BROKER_PORT and BROKER_PID.
start_fresh_broker() {
    local attempt
    for attempt in 1 2 3 4 5; do
        BROKER_PORT=$(free_port)
        start_broker "$1" "$BROKER_PORT" "${@:2}" && return 0
        stop_broker "$BROKER_PID" KILL
    done
    return 1
}

# start_broker KIND PORT [mosquitto.conf lines...]; sets BROKER_PID; fails if it does not listen.
start_broker() {
    local kind=$1 port=$2
    shift 2
    if [ "$kind" = starling ]; then
        "$STARLING" -p "$port" >"$WORK/broker-$port.log" 2>&1 7>&- &
    else
        local conf="$WORK/mosquitto-$port.conf"
        printf 'listener %s 127.0.0.1\n' "$port" >"$conf"
        local line anonymous="allow_anonymous true"
        for line in "$@"; do
            case $line in allow_anonymous*) anonymous=$line ;; *) echo "$line" >>"$conf" ;; esac
        done
        echo "$anonymous" >>"$conf"
        "$MOSQUITTO" -c "$conf" >"$WORK/broker-$port.log" 2>&1 7>&- &
    fi
    BROKER_PID=$!
    STARTED_PIDS+=("$BROKER_PID")
    wait_port "$port" && kill -0 "$BROKER_PID" 2>/dev/null && return 0
    echo "broker $kind did not start on $port"
    cat "$WORK/broker-$port.log"
    return 1
}

# stop_broker PID [SIGNAL]
stop_broker() {
    local pid=$1 signal=${2:-TERM} _
    kill -"$signal" "$pid" 2>/dev/null
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return; }
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# ---- clients ------------------------------------------------------------------------------------

# Waits until FILE holds N lines matching PATTERN (debug output of a subscriber).
wait_for() {
    local file=$1 pattern=$2 count=${3:-1} _
    for _ in $(seq 100); do
        [ "$(grep -c -- "$pattern" "$file" 2>/dev/null)" -ge "$count" ] && return 0
        sleep 0.05
    done
    return 1
}

# start_sub TOOL OUTFILE ARGS...: a subscriber with -d in the background; returns once subscribed.
# SUB_PID is the client's own PID (no `timeout` in between, so SIGKILL reaches it); wait_pid bounds it.
start_sub() {
    local tool=$1 out=$2
    shift 2
    "$tool" -d "$@" >"$out" 2>&1 &
    SUB_PID=$!
    STARTED_PIDS+=("$SUB_PID")
    wait_for "$out" "^Subscribed (mid" 1
}

# The message lines of a subscriber's output (debug lines dropped).
messages() { grep -a -v -e '^Client ' -e '^Subscribed (mid' "$1"; }

wait_pid() {
    local pid=$1 _
    for _ in $(seq 150); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return $?; }
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
    return 124
}

# ---- tests --------------------------------------------------------------------------------------

# pub -> sub, both directions, QoS 0/1/2 and retained.
test_delivery() {
    local broker=$1 port=$2 qos pubtool subtool label out
    for pair in "starling-pub:mosquitto_sub" "mosquitto_pub:starling-sub"; do
        pubtool=${pair%%:*}
        subtool=${pair##*:}
        local pubbin=$SPUB subbin=mosquitto_sub
        [ "$pubtool" = mosquitto_pub ] && pubbin=mosquitto_pub && subbin=$SSUB
        for qos in 0 1 2; do
            label="$broker: $pubtool -> $subtool QoS $qos"
            out="$WORK/delivery-$broker-$pubtool-$qos.out"
            start_sub "$subbin" "$out" -h 127.0.0.1 -p "$port" -t "d/$pubtool/$qos" -q "$qos" -C 1 -F 'MSG|%t|%p|%q|%r'
            timeout 10 "$pubbin" -h 127.0.0.1 -p "$port" -t "d/$pubtool/$qos" -q "$qos" -m "hello $qos"
            local status=$?
            wait_pid "$SUB_PID"
            local got
            got=$(messages "$out")
            if [ $status = 0 ] && [ "$got" = "MSG|d/$pubtool/$qos|hello $qos|$qos|0" ]; then pass "$label"; else fail "$label" "publisher status $status" "$got"; fi
        done
        label="$broker: $pubtool -> $subtool retained"
        out="$WORK/retained-$broker-$pubtool.out"
        timeout 10 "$pubbin" -h 127.0.0.1 -p "$port" -t "r/$pubtool" -q 1 -r -m "kept"
        timeout 10 "$subbin" -h 127.0.0.1 -p "$port" -t "r/$pubtool" -C 1 -F 'MSG|%t|%p|%r' >"$out" 2>&1
        if [ "$(cat "$out")" = "MSG|r/$pubtool|kept|1" ]; then pass "$label"; else fail "$label" "$(cat "$out")"; fi
        timeout 10 "$pubbin" -h 127.0.0.1 -p "$port" -t "r/$pubtool" -r -n
    done
}

# A client killed with SIGKILL: the broker publishes its will to a client of the other family.
test_will() {
    local broker=$1 port=$2 holder watcher label out holderout
    for pair in "$SSUB:mosquitto_sub" "mosquitto_sub:$SSUB"; do
        holder=${pair%%:*}
        watcher=${pair##*:}
        label="$broker: will of $(basename "$holder") reaches $(basename "$watcher")"
        out="$WORK/will-$broker-$(basename "$holder").out"
        holderout="$WORK/holder-$broker-$(basename "$holder").out"
        start_sub "$watcher" "$out" -h 127.0.0.1 -p "$port" -t "will/$(basename "$holder")" -q 1 -C 1 -F 'MSG|%t|%p|%q'
        local watcher_pid=$SUB_PID
        start_sub "$holder" "$holderout" -h 127.0.0.1 -p "$port" -t "x/y" --will-topic "will/$(basename "$holder")" \
            --will-payload "gone" --will-qos 1
        kill -9 "$SUB_PID"
        wait "$SUB_PID" 2>/dev/null
        wait_pid "$watcher_pid"
        local got
        got=$(messages "$out")
        if [ "$got" = "MSG|will/$(basename "$holder")|gone|1" ]; then pass "$label"; else fail "$label" "$got"; fi
    done
}

# Both subscribers print the same messages with the same options: each message's bytes must be
# identical. Lines are compared sorted: Mosquitto's client hands a QoS 2 message over at PUBREL,
# Starling's at PUBLISH (both allowed by section 4.3.3), so QoS 2 lines may come in another order.
test_output_identical() {
    local broker=$1 port=$2 name=$3
    shift 3
    local topic="fmt/$name/$RANDOM"
    local label="$broker: output identical to mosquitto_sub with $*"
    timeout 10 mosquitto_pub -h 127.0.0.1 -p "$port" -t "$topic/retained" -q 1 -r -m "stale value"
    start_sub "$SSUB" "$WORK/ours-$name" -h 127.0.0.1 -p "$port" -t "$topic/#" -q 2 -C 8 "$@"
    local ours=$SUB_PID
    start_sub mosquitto_sub "$WORK/theirs-$name" -h 127.0.0.1 -p "$port" -t "$topic/#" -q 2 -C 8 "$@"
    local theirs=$SUB_PID
    local p="-h 127.0.0.1 -p $port"
    timeout 10 mosquitto_pub $p -t "$topic/a" -q 0 -m "hello world"
    timeout 10 mosquitto_pub $p -t "$topic/b/c" -q 1 -m 'quote " backslash \ tab	end'
    timeout 10 mosquitto_pub $p -t "$topic/empty" -q 2 -n
    printf 'bin\001\002\377ary' | timeout 10 mosquitto_pub $p -t "$topic/binary" -q 1 -s
    timeout 10 mosquitto_pub $p -t "$topic/utf8" -q 2 -m "é✓ ünïcødé"
    printf 'nul\000inside' | timeout 10 mosquitto_pub $p -t "$topic/nul" -q 0 -s
    timeout 10 mosquitto_pub $p -t "$topic/long" -q 1 -m "a rather long payload that is wider than any field width used here"
    wait_pid "$ours"
    wait_pid "$theirs"
    timeout 10 mosquitto_pub $p -t "$topic/retained" -r -n
    # %j and %I carry the time each subscriber printed at; compare everything else.
    local mask='s/"tst":"[^"]*"/"tst":"T"/g; s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{4}/ISO/g'
    messages "$WORK/ours-$name" | sed -E "$mask" | LC_ALL=C sort >"$WORK/ours-$name.sorted"
    messages "$WORK/theirs-$name" | sed -E "$mask" | LC_ALL=C sort >"$WORK/theirs-$name.sorted"
    if [ -s "$WORK/ours-$name.sorted" ] && cmp -s "$WORK/ours-$name.sorted" "$WORK/theirs-$name.sorted"; then
        pass "$label"
    else
        fail "$label" "lines: ours $(wc -l <"$WORK/ours-$name.sorted"), theirs $(wc -l <"$WORK/theirs-$name.sorted")" \
            "$(diff <(cat -A "$WORK/ours-$name.sorted") <(cat -A "$WORK/theirs-$name.sorted"))"
    fi
}

# -N prints no line ends, so debug lines cannot be told apart: no -d, a pause to let both subscribe,
# and QoS 1 messages, which both clients print in arrival order.
test_no_eol_identical() {
    local broker=$1 port=$2
    shift 2
    local topic="noeol/$RANDOM" label="$broker: output identical to mosquitto_sub with -N $*"
    "$SSUB" -h 127.0.0.1 -p "$port" -t "$topic/#" -q 1 -C 4 -N "$@" >"$WORK/ours-noeol" 2>&1 &
    local ours=$!
    STARTED_PIDS+=("$ours")
    mosquitto_sub -h 127.0.0.1 -p "$port" -t "$topic/#" -q 1 -C 4 -N "$@" >"$WORK/theirs-noeol" 2>&1 &
    local theirs=$!
    STARTED_PIDS+=("$theirs")
    sleep 1
    local p="-h 127.0.0.1 -p $port"
    timeout 10 mosquitto_pub $p -t "$topic/a" -q 1 -m "one "
    timeout 10 mosquitto_pub $p -t "$topic/b" -q 1 -n
    timeout 10 mosquitto_pub $p -t "$topic/c" -q 1 -m "three"
    timeout 10 mosquitto_pub $p -t "$topic/d" -q 1 -m "four"
    wait_pid "$ours"
    wait_pid "$theirs"
    if [ -s "$WORK/ours-noeol" ] && cmp -s "$WORK/ours-noeol" "$WORK/theirs-noeol"; then
        pass "$label"
    else
        fail "$label" "ours:   $(cat -A "$WORK/ours-noeol")" "theirs: $(cat -A "$WORK/theirs-noeol")"
    fi
}

# Same exit status and message for both tools.
test_same_exit() {
    local label=$1
    shift
    local ours theirs ours_status theirs_status
    ours=$(timeout 10 "$SSUB" "$@" 2>&1 | sed 's/starling-sub/mosquitto_sub/g'; echo "status ${PIPESTATUS[0]}")
    theirs=$(timeout 10 mosquitto_sub "$@" 2>&1; echo "status ${PIPESTATUS[0]}")
    if [ "$ours" = "$theirs" ]; then pass "$label ($(echo "$ours" | tail -1))"; else fail "$label" "ours: $ours" "theirs: $theirs"; fi
}

# Same exit status and first line of output (the usage texts list different flags).
test_same_exit_pub() {
    local label=$1
    shift
    local ours theirs status
    ours=$(timeout 10 "$SPUB" "$@" 2>&1 </dev/null)
    status=$?
    ours="$(echo "$ours" | sed 's/starling-pub/mosquitto_pub/g' | head -1) status $status"
    theirs=$(timeout 10 mosquitto_pub "$@" 2>&1 </dev/null)
    status=$?
    theirs="$(echo "$theirs" | head -1) status $status"
    if [ "$ours" = "$theirs" ]; then pass "$label ($(echo "$ours" | tail -1))"; else fail "$label" "ours: $ours" "theirs: $theirs"; fi
}

# A broker stopped and restarted under a running starling-sub (-c, QoS 1 or 2) and starling-pub -l.
# Lines are published before the kill, and after both clients are back. With Mosquitto running with
# persistence, lines are also published while it is down: its session survives the restart, so none
# may be lost. A restarted Starling keeps nothing (no persistence yet): the subscriber must subscribe
# again, and a line published before it has is lost with the broker, so none is published then.
test_restart() {
    local broker=$1 qos=$2
    local label="$broker: broker restart under starling-sub and starling-pub -l, QoS $qos"
    local conf=()
    if [ "$broker" = mosquitto ]; then
        # Mosquitto drops to its own user: the database directory must be writable for it.
        mkdir -p "$WORK/db-$qos" && chmod 1777 "$WORK" "$WORK/db-$qos"
        conf=("persistence true" "persistence_location $WORK/db-$qos/")
    fi
    start_fresh_broker "$broker" "${conf[@]}"
    local port=$BROKER_PORT broker_pid=$BROKER_PID
    local out="$WORK/restart-$broker-$qos.out" pubout="$WORK/restart-pub-$broker-$qos.out"
    local fifo="$WORK/restart-$broker-$qos.fifo"
    mkfifo "$fifo"
    timeout 60 "$SSUB" -d -h 127.0.0.1 -p "$port" -t "restart/#" -q "$qos" -c -i "rs-$broker-$qos" -F 'MSG|%p' >"$out" 2>&1 &
    local sub=$!
    STARTED_PIDS+=("$sub")
    wait_for "$out" "^Subscribed (mid" 1
    timeout 60 "$SPUB" -d -h 127.0.0.1 -p "$port" -t "restart/x" -q "$qos" -c -i "rp-$broker-$qos" -l <"$fifo" >"$pubout" 2>&1 &
    local pub=$!
    STARTED_PIDS+=("$pub")
    exec 7>"$fifo"
    local n
    for n in $(seq 1 20); do echo "line $n" >&7; sleep 0.01; done
    wait_for "$out" "^MSG|line 20$" 1
    # Starling is killed outright; Mosquitto is stopped with SIGTERM so it writes its database.
    if [ "$broker" = starling ]; then stop_broker "$broker_pid" KILL; else stop_broker "$broker_pid" TERM; fi
    local last=20
    if [ "$broker" = mosquitto ]; then
        for n in $(seq 21 30); do echo "line $n" >&7; done
        last=30
    fi
    sleep 0.3
    start_broker "$broker" "$port" "${conf[@]}"
    broker_pid=$BROKER_PID
    # Both clients back: the publisher's second CONNACK; the subscriber's second SUBACK (Starling lost
    # the session) or second CONNACK (Mosquitto kept it).
    wait_for "$pubout" "received CONNACK" 2
    wait_for "$out" "received CONNACK" 2
    [ "$broker" = starling ] && wait_for "$out" "^Subscribed (mid" 2
    for n in $(seq $((last + 1)) $((last + 20))); do echo "line $n" >&7; sleep 0.01; done
    exec 7>&-
    wait_pid "$pub"
    local pub_status=$?
    wait_for "$out" "^MSG|line $((last + 20))$" 1
    kill -TERM "$sub" 2>/dev/null
    wait_pid "$sub"
    stop_broker "$broker_pid" TERM
    local expected got duplicates
    expected=$(seq 1 $((last + 20)) | sed 's/^/MSG|line /' | sort)
    got=$(grep -a '^MSG|' "$out" | sort -u)
    duplicates=$(grep -a '^MSG|' "$out" | sort | uniq -d)
    if [ "$pub_status" != 0 ]; then
        fail "$label" "starling-pub exited $pub_status" "$(tail -5 "$pubout")"
    elif [ "$got" != "$expected" ]; then
        fail "$label" "missing: $(comm -23 <(echo "$expected") <(echo "$got") | tr '\n' ' ')"
    elif [ "$qos" = 2 ] && [ -n "$duplicates" ]; then
        fail "$label" "duplicated: $duplicates"
    else
        pass "$label"
    fi
}

# ---- run ----------------------------------------------------------------------------------------

for broker in starling mosquitto; do
    echo "== $broker"
    start_fresh_broker "$broker"
    port=$BROKER_PORT
    pid=$BROKER_PID
    test_delivery "$broker" "$port"
    test_will "$broker" "$port"
    test_output_identical "$broker" "$port" fields -F 'MSG|%t|%p|%q|%r|%l|%m|%x|%X|%%'
    test_output_identical "$broker" "$port" widths -F '%10t|%-10t|%.3t|%5.2t|%05l|%-5l|%10p|%-10p|%4x|%30x|%012X|%-8m|'
    test_output_identical "$broker" "$port" json -F '%j'
    test_output_identical "$broker" "$port" escapes -F '\t%t\\%p@@\e[0m\v\a\r'
    test_output_identical "$broker" "$port" time -F '%I %t'
    test_output_identical "$broker" "$port" verbose -v
    test_output_identical "$broker" "$port" plain
    test_no_eol_identical "$broker" "$port" -v
    test_no_eol_identical "$broker" "$port"
    test_no_eol_identical "$broker" "$port" -F '%t=%p;'
    test_output_identical "$broker" "$port" filtered -v -R -T '+/+/b/#'
    test_same_exit "$broker: -W timeout" -h 127.0.0.1 -p "$port" -t "nothing/here" -W 1
    timeout 10 mosquitto_pub -h 127.0.0.1 -p "$port" -t "only/retained" -r -m "old news"
    test_same_exit "$broker: --retained-only" -h 127.0.0.1 -p "$port" -t "only/#" -v --retained-only -C 2 -W 2
    timeout 10 mosquitto_pub -h 127.0.0.1 -p "$port" -t "only/retained" -r -n
    stop_broker "$pid"
    test_restart "$broker" 1
    test_restart "$broker" 2
done

echo "== exit codes"
start_fresh_broker mosquitto "allow_anonymous false"
port=$BROKER_PORT
deny_conf_pid=$BROKER_PID
test_same_exit "refused CONNACK (not authorised)" -h 127.0.0.1 -p "$port" -t a
test_same_exit "refused CONNACK, --quiet" -h 127.0.0.1 -p "$port" -t a --quiet
test_same_exit_pub "refused CONNACK (pub)" -h 127.0.0.1 -p "$port" -t a -m x
stop_broker "$deny_conf_pid"
closed=$(free_port)
test_same_exit "nobody listening" -h 127.0.0.1 -p "$closed" -t a
test_same_exit_pub "nobody listening (pub)" -h 127.0.0.1 -p "$closed" -t a -m x
test_same_exit "invalid -F" -t a -F '%Z'
test_same_exit "invalid QoS" -t a -q 3
test_same_exit "-c without -i" -t a -c
test_same_exit_pub "no message" -t a
test_same_exit_pub "wildcard in a publish topic" -t 'a/#' -m x

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
