#!/usr/bin/env bash
# The shop end to end with the real `shop` executable: the four agents and the customers as
# separate processes, against starling and against the real mosquitto. The agents are the same
# commands for both brokers: only MQTT_HOST and MQTT_PORT differ. Each scenario × broker run gets
# a fresh broker on a fresh ephemeral port, runs in its own shell under a hard timeout, and leaves
# nothing running.
#
# Every run places SHOP_IX_ORDERS orders (1000) from three customers at once: nine in ten valid
# (random items), one in twenty for an unknown item (--item Teapot), one in twenty of quantity 0.
# A mosquitto_sub on shop/customers/+/notifications counts the notifications of every order.
#
# Usage (from the repository root or from this directory):
#   mosquitto-interop/run-shop-interop.sh [SCENARIO...]        all scenarios, or only those named
#   mosquitto-interop/run-shop-interop.sh --list               list the scenarios
#   mosquitto-interop/run-shop-interop.sh --one SCENARIO BROKER   one run, output unfiltered
# Environment:
#   STARLING=.build/debug/starling, SHOP=.build/debug/shop   built with `swift build --product ...`
#                                    if they are the default paths and missing
#   MOSQUITTO=/usr/sbin/mosquitto    reference broker
#   IX_BROKERS="mosquitto starling"  which brokers to run
#   IX_SCENARIO_TIMEOUT=120          seconds before a scenario run is killed and counted as failed
#   SHOP_IX_ORDERS=1000              orders per run (a multiple of 20)
#   SHOP_IX_RATE=500                 orders per second, all customers together
#   IX_VERBOSE=1, IX_KEEP=1          as for run-broker-interop.sh
# The last line printed is exactly "N passed, M failed", counting scenario × broker runs; the exit
# status is 0 only if M is 0.

set -uo pipefail
IX_CALLER_PWD=$PWD
IX_SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
# The notification observer (a background mosquitto_sub) lives as long as a whole run.
: "${IX_BG_LIFETIME:=150}"
# shellcheck source=lib.sh
source "$(dirname "$IX_SELF")/lib.sh"
cd "$IX_ROOT" || exit 2

ix_binary() { # VARIABLE PRODUCT: an absolute path; remembers whether it is the default one
    local value=${!1:-}
    if [ -z "$value" ]; then
        printf -v "$1" '%s' "$IX_ROOT/.build/debug/$2"
        printf -v "IX_DEFAULT_$2" 1
    else
        case $value in /*) ;; *) printf -v "$1" '%s' "$IX_CALLER_PWD/$value" ;; esac
    fi
}
ix_binary STARLING starling
ix_binary SHOP shop
export STARLING SHOP MOSQUITTO
: "${IX_BROKERS:=mosquitto starling}"
: "${IX_SCENARIO_TIMEOUT:=120}"
: "${SHOP_IX_ORDERS:=1000}"
: "${SHOP_IX_RATE:=500}"

SHOP_VALID=$((SHOP_IX_ORDERS * 9 / 10))
SHOP_INVALID=$((SHOP_IX_ORDERS / 20)) # of each kind
SHOP_TIMEOUT=15                       # the customers' --timeout, seconds
SHOP_WORK_MS=1                        # packaging's and shipping's --work-time-ms

SCENARIOS=(
    one_of_each
    three_packagers
    packaging_killed
)

# --- the shop ----------------------------------------------------------------------------------

# shop_start NAME ARGS...: `shop ARGS...` in the background against the broker under test; what
# it prints goes to $WORK/NAME.out and $WORK/NAME.err, its PID to $WORK/NAME.pid.
shop_start() {
    local name=$1
    shift
    env -u MQTT_USERNAME -u MQTT_PASSWORD MQTT_HOST="$IX_HOST" MQTT_PORT="$BROKER_PORT" SHOP_QOS=1 \
        "$SHOP" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
    local pid=$!
    echo "$pid" >"$WORK/$name.pid"
    ix_track "$pid"
    SHOP_NAMES+=("$name")
}

shop_pid() { cat "$WORK/$1.pid"; }

# shop_agents N: order, N packaging agents (client ids shop-packaging-1…N), shipping and
# notification; returns once a probe order went through all of them.
shop_agents() {
    local i
    SHOP_NAMES=()
    shop_start order order
    for ((i = 1; i <= $1; i++)); do
        shop_start "packaging-$i" packaging --client-id "shop-packaging-$i" --work-time-ms "$SHOP_WORK_MS"
    done
    shop_start shipping shipping --work-time-ms "$SHOP_WORK_MS"
    shop_start notification notification
    SHOP_AGENTS=("${SHOP_NAMES[@]}")
    shop_wait_ready
}

# shop_wait_ready: places one order at a time (customer "probe", 2 s to answer) until one is
# delivered: then every role has subscribed. Orders placed before a role's first subscription
# have nowhere to go, and the broker drops them.
shop_wait_ready() {
    local try name
    for ((try = 1; try <= 15; try++)); do
        if env MQTT_HOST="$IX_HOST" MQTT_PORT="$BROKER_PORT" timeout -k 2 10 \
            "$SHOP" customer --customer probe --timeout 2 >>"$WORK/probe.out" 2>&1; then
            return 0
        fi
        for name in "${SHOP_AGENTS[@]}"; do
            ix_alive "$(shop_pid "$name")" && continue
            ix_fail "agent $name exited before the shop was ready: $(tail -n 5 "$WORK/$name.err")"
            return 1
        done
    done
    ix_fail "no probe order was delivered in 15 tries; $(tail -n 3 "$WORK/probe.out")"
    return 1
}

# shop_place_orders: starts the notification observer and the three customers.
shop_place_orders() {
    sub_bg observed -q 1 -v -t 'shop/customers/+/notifications' || return
    local invalid_rate
    invalid_rate=$(python3 -c "print($SHOP_IX_RATE * $SHOP_INVALID / $SHOP_IX_ORDERS)")
    shop_start customer-valid customer --customer ix-valid --count "$SHOP_VALID" \
        --rate "$(python3 -c "print($SHOP_IX_RATE * $SHOP_VALID / $SHOP_IX_ORDERS)")" --timeout "$SHOP_TIMEOUT"
    shop_start customer-teapot customer --customer ix-teapot --count "$SHOP_INVALID" --item Teapot \
        --rate "$invalid_rate" --timeout "$SHOP_TIMEOUT"
    shop_start customer-zero customer --customer ix-zero --count "$SHOP_INVALID" --quantity 0 \
        --rate "$invalid_rate" --timeout "$SHOP_TIMEOUT"
}

# shop_wait_customers: every customer exits 0 and reports its orders answered once each.
shop_wait_customers() {
    local bound=$((SHOP_TIMEOUT + SHOP_IX_ORDERS / SHOP_IX_RATE + 30)) name expected
    for name in customer-valid customer-teapot customer-zero; do
        if ! ix_wait_exit "$(shop_pid "$name")" "$bound"; then
            ix_fail "$name still running after ${bound}s"
            continue
        fi
        assert_status "$name" 0 "$IX_STATUS"
    done
    expected="placed=$SHOP_VALID delivered=$SHOP_VALID rejected=0 timed-out=0 pending=0 repeated=0 unknown=0"
    assert_eq "customer-valid's result" "[CUSTOMER] result $expected" "$(grep -a '^\[CUSTOMER\] result ' \
        "$WORK/customer-valid.out")"
    expected="placed=$SHOP_INVALID delivered=0 rejected=$SHOP_INVALID timed-out=0 pending=0 repeated=0 unknown=0"
    for name in customer-teapot customer-zero; do
        assert_eq "$name's result" "[CUSTOMER] result $expected" "$(grep -a '^\[CUSTOMER\] result ' \
            "$WORK/$name.out")"
    done
    for name in customer-valid customer-teapot customer-zero; do
        printf '    %s: %s\n' "$name" "$(grep -a '^\[CUSTOMER\] [0-9]* orders:' "$WORK/$name.out")"
    done
}

# shop_stop_agents: SIGTERM to every agent still running; each must exit 0 within 10 s and have
# written nothing on standard error (no dead letter, no failed publish, no reconnection).
shop_stop_agents() {
    local name pid
    for name in "${SHOP_AGENTS[@]}"; do kill -TERM "$(shop_pid "$name")" 2>/dev/null; done
    for name in "${SHOP_AGENTS[@]}"; do
        pid=$(shop_pid "$name")
        if ! ix_wait_exit "$pid" 10; then
            kill -KILL "$pid" 2>/dev/null
            ix_fail "agent $name did not exit within 10 s of SIGTERM"
            continue
        fi
        assert_status "agent $name after SIGTERM" 0 "$IX_STATUS"
        [ -s "$WORK/$name.err" ] && ix_fail "agent $name wrote on standard error: $(head -n 5 "$WORK/$name.err")"
    done
}

# shop_check [--shares]: after a quiet second for late copies, compares what the observer saw
# with what the customers settled: each order notified exactly once, with the outcome its
# content calls for. With --shares, every packaging agent packaged some of the valid orders and
# together each exactly once.
shop_check() {
    sleep 1
    sub_stop observed
    sub_out observed >"$WORK/observed.txt"
    python3 - "$WORK" "${1:-}" <<'EOF' || IX_FAILURES=$((IX_FAILURES + 1))
import glob, json, os, re, sys
work, mode = sys.argv[1], sys.argv[2]
problems = []
expected = {}  # order id -> expected outcome, from the customers' settled lines
kinds = {"customer-valid": "delivered", "customer-teapot": 'unknown item "Teapot"',
         "customer-zero": "quantity must be positive, got 0"}
settled = re.compile(r'^\[CUSTOMER\] (delivered|rejected|timed out) order (\S+)')
for name, outcome in kinds.items():
    for line in open(os.path.join(work, name + ".out"), errors="replace"):
        m = settled.match(line)
        if m:
            expected[m.group(2)] = outcome
        if m and m.group(1) == "rejected" and not line.rstrip("\n").endswith(": " + outcome):
            problems.append(f"{name}: wrong reason: {line.strip()}")
seen = {}
for line in open(os.path.join(work, "observed.txt"), errors="replace"):
    topic, _, payload = line.rstrip("\n").partition(" ")
    if not topic.startswith("shop/customers/ix-"):
        continue  # the readiness probes
    try:
        note = json.loads(payload)
    except ValueError:
        problems.append(f"unreadable notification on {topic}: {payload[:200]}")
        continue
    answer = "delivered" if note.get("outcome") == "delivered" else note.get("reason")
    seen.setdefault(note.get("orderId"), []).append(answer)
lost = sorted(i for i in expected if i not in seen)
twice = sorted(i for i, answers in seen.items() if len(answers) > 1)
strangers = sorted(i for i in seen if i not in expected)
wrong = sorted(i for i in expected if i in seen and seen[i][0] != expected[i])
count = sum(len(a) for a in seen.values())
print(f"    observer: {count} notifications for {len(seen)} orders; customers settled {len(expected)}")
for what, ids in (("not notified (lost)", lost), ("notified more than once", twice),
                  ("notified but not placed", strangers), ("notified with the wrong outcome", wrong)):
    if ids:
        problems.append(f"{len(ids)} orders {what}: {' '.join(ids[:10])}{' …' if len(ids) > 10 else ''}")
if mode == "--shares":
    valid = {i for i, outcome in expected.items() if outcome == "delivered"}
    packaged = re.compile(r'^\[PACKAGING\] packaged order (\S+),')
    shares, total = [], {}
    for path in sorted(glob.glob(os.path.join(work, "packaging-*.out"))):
        ids = [m.group(1) for m in map(packaged.match, open(path, errors="replace")) if m and m.group(1) in valid]
        shares.append((os.path.basename(path)[:-4], len(ids)))
        for i in ids:
            total[i] = total.get(i, 0) + 1
    print("    packaged valid orders: " + ", ".join(f"{n} {c}" for n, c in shares))
    if any(c == 0 for _, c in shares):
        problems.append("a packaging agent did no share: " + str(shares))
    if set(total) != valid or any(c != 1 for c in total.values()):
        problems.append(f"the packaging agents together packaged {len(total)} distinct valid orders, "
                        f"{sum(total.values())} in all; expected each of the {len(valid)} once")
for p in problems:
    print("FAIL: " + p)
sys.exit(1 if problems else 0)
EOF
}

# shop_count_packaged NAME: lines of packaging agent NAME so far.
shop_count_packaged() { grep -a -c '^\[PACKAGING\] packaged order ' "$WORK/$1.out" 2>/dev/null; }

# --- scenarios ---------------------------------------------------------------------------------

# One agent of each role: every valid order delivered and notified exactly once, every invalid
# one rejected with its reason, none timed out.
sc_one_of_each() {
    shop_agents 1 || return
    shop_place_orders || return
    shop_wait_customers
    shop_check
    shop_stop_agents
}

# Three packaging agents in the $share group: each packages some of the orders, and together
# every valid order exactly once.
sc_three_packagers() {
    shop_agents 3 || return
    shop_place_orders || return
    shop_wait_customers
    shop_check --shares
    shop_stop_agents
}

# The packaging agent is killed with SIGKILL once it has packaged 3 in 10 of the valid orders,
# and restarted 0.5 s later under the same client id (clean session off): its session kept its
# subscription and queued its orders meanwhile. No order may be lost or notified twice.
sc_packaging_killed() {
    shop_agents 1 || return
    shop_place_orders || return
    local kill_at=$((SHOP_VALID * 3 / 10)) i pid
    for ((i = 0; i < 600; i++)); do
        [ "$(shop_count_packaged packaging-1)" -ge "$kill_at" ] && break
        sleep 0.05
    done
    pid=$(shop_pid packaging-1)
    # The braces keep bash's "Killed" job notice out of the output.
    { kill -KILL "$pid"; ix_wait_exit "$pid" 5; } 2>/dev/null
    local before
    before=$(shop_count_packaged packaging-1)
    echo "    packaging killed after $before orders (of $SHOP_VALID valid); restarting in 0.5 s"
    ix_alive "$(shop_pid customer-valid)" || ix_fail "the customer had finished before the kill"
    sleep 0.5
    shop_start packaging-2 packaging --client-id shop-packaging-1 --work-time-ms "$SHOP_WORK_MS"
    SHOP_AGENTS=(order packaging-2 shipping notification)
    shop_wait_customers
    shop_check
    echo "    the restarted packaging agent packaged $(shop_count_packaged packaging-2) orders"
    [ "$(shop_count_packaged packaging-2)" -gt 0 ] || ix_fail "the restarted packaging agent packaged nothing"
    shop_stop_agents
}

# --- the runner ---------------------------------------------------------------------------------

IX_NAME=shop-interop
IX_PASS_DETAILS=1

ix_preflight() {
    local tool
    for tool in mosquitto_sub python3 timeout stdbuf; do
        command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }
    done
    if [ $((SHOP_IX_ORDERS % 20)) -ne 0 ] || [ "$SHOP_IX_ORDERS" -lt 20 ]; then
        echo "SHOP_IX_ORDERS must be a positive multiple of 20" >&2
        exit 2
    fi
    ix_require_programs "$IX_BROKERS"
}

ix_header() { # `selected` is ix_main's
    echo "shop interop: ${#selected[@]} scenarios x ($IX_BROKERS), $SHOP_IX_ORDERS orders each at" \
        "$SHOP_IX_RATE/s; shop: $SHOP; starling: $STARLING; mosquitto: $MOSQUITTO"
}

ix_main "$@"
