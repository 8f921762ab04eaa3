#!/usr/bin/env bash
# The topology of compose.yaml built from Linux network namespaces, without Docker: one namespace
# per container (the broker, order, three packaging replicas, shipping, notification, the
# customer), each with its own host name (a UTS namespace), its own /etc/hosts that maps `broker`
# to the broker's fixed address, and a veth link to a bridge that lives in a namespace of its
# own. Subnet, dynamic range, broker address and port are read from compose.yaml; the agents get
# compose's environment (MQTT_HOST=broker, MQTT_PORT, SHOP_QOS) and no --client-id, so each
# replica's client id comes from its host name, as in a container. Then SHOP_NETNS_ORDERS orders
# (300) go through, once with starling as the broker and once with mosquitto.
#
# Usage (as root, from the repository root or from this directory):
#   mosquitto-interop/run-shop-netns.sh            both brokers
#   mosquitto-interop/run-shop-netns.sh --one BROKER   one pass, output unfiltered
# Environment:
#   STARLING, SHOP, MOSQUITTO        as for run-shop-interop.sh
#   SHOP_NETNS_BROKERS="starling mosquitto"
#   SHOP_NETNS_ORDERS=300, SHOP_NETNS_RATE=150   orders, and orders per second
#   SHOP_NETNS_REQUIRED=1            fail, instead of skipping, where namespaces cannot be made
#   IX_KEEP=1                        keep the work directory
# Every name holds the PID of the shell that builds it, so runs in parallel do not collide. Every process is
# stopped by PID, and the namespaces and their /etc/netns entries are deleted on every exit path.
# The last line is exactly "N passed, M failed"; the exit status is 0 only if M is 0 (a skip
# prints "0 passed, 0 failed" and exits 0).

set -uo pipefail
IX_CALLER_PWD=$PWD
IX_SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
# shellcheck source=lib.sh
source "$(dirname "$IX_SELF")/lib.sh"
cd "$IX_ROOT" || exit 2

for product in starling shop; do
    variable=${product^^}
    value=${!variable:-}
    if [ -z "$value" ]; then
        value=$IX_ROOT/.build/debug/$product
        printf -v "IX_DEFAULT_$product" 1
    fi
    case $value in /*) ;; *) value=$IX_CALLER_PWD/$value ;; esac
    printf -v "$variable" '%s' "$value"
done
export STARLING SHOP MOSQUITTO
: "${SHOP_NETNS_BROKERS:=starling mosquitto}"
: "${SHOP_NETNS_ORDERS:=300}"
: "${SHOP_NETNS_RATE:=150}"
: "${SHOP_NETNS_TIMEOUT:=120}" # seconds for one broker's pass
NETNS_AGENTS=(order packaging-1 packaging-2 packaging-3 shipping notification)

# --- compose.yaml ------------------------------------------------------------------------------

# netns_read_compose: sets SUBNET (172.30.0.0/24), DYNAMIC (the ip_range), BROKER_ADDRESS and
# MQTT_PORT from compose.yaml, and ADDRESSES: one address of the dynamic range per agent and
# for the customer. Dies if compose.yaml no longer says what this script expects.
netns_read_compose() {
    local values
    values=$(python3 - compose.yaml <<'EOF'
import ipaddress, re, sys
text = open(sys.argv[1]).read()
def one(pattern):
    found = sorted(set(re.findall(pattern, text, re.M)))
    if len(found) != 1:
        sys.exit(f"compose.yaml: expected one value for {pattern}, found {found}")
    return found[0]
subnet = ipaddress.ip_network(one(r'^\s*- subnet:\s*(\S+)'))
dynamic = ipaddress.ip_network(one(r'^\s*ip_range:\s*(\S+)'))
broker = ipaddress.ip_address(one(r'^\s*ipv4_address:\s*(\S+)'))
port = one(r'^\s*MQTT_PORT:\s*"?(\d+)"?')
hosts = list(dynamic.hosts())[:7]
print(subnet, dynamic, broker, port, *hosts)
EOF
    ) || ix_die "cannot read the network from compose.yaml"
    # shellcheck disable=SC2086  # split into fields on purpose
    set -- $values
    SUBNET=$1 DYNAMIC=$2 BROKER_ADDRESS=$3 MQTT_PORT=$4
    shift 4
    ADDRESSES=("$@")
    PREFIX=${SUBNET#*/}
}

# --- namespaces --------------------------------------------------------------------------------

# netns_add NAME: a namespace, recorded in $WORK/netns before it exists, so that the teardown
# finds it whatever happens next.
netns_add() {
    echo "$1" >>"$WORK/netns"
    ip netns add "$1"
}

# netns_teardown DIR: stops DIR's recorded processes, deletes its namespaces (which deletes their
# links: the bridge and the veth pairs) and their /etc/netns directories. Idempotent.
netns_teardown() {
    local dir=$1 name
    ix_kill_tracked "$dir/pids"
    [ -f "$dir/netns" ] || return 0
    while read -r name; do
        [ -n "$name" ] || continue
        [ -e "/run/netns/$name" ] && ip netns delete "$name" 2>/dev/null
        case $name in shop-netns-*) rm -rf "/etc/netns/${name:?}" ;; esac
    done <"$dir/netns"
    return 0
}

# netns_node NODE ADDRESS: namespace $NS_PREFIX-NODE with lo, eth0 at ADDRESS (linked to the
# bridge), and a hosts file naming localhost, broker and NODE itself.
netns_node() {
    local node=$1 address=$2 ns=$NS_PREFIX-$1 link=v$((++NETNS_LINKS))
    netns_add "$ns" || return
    mkdir -p "/etc/netns/$ns"
    printf '127.0.0.1\tlocalhost\n%s\tbroker\n%s\t%s\n' "$BROKER_ADDRESS" "$address" "$node" \
        >"/etc/netns/$ns/hosts"
    ip -n "$NS_LAN" link add "$link" type veth peer name eth0 netns "$ns" &&
        ip -n "$NS_LAN" link set "$link" master br0 up &&
        ip -n "$ns" link set lo up &&
        ip -n "$ns" addr add "$address/$PREFIX" dev eth0 &&
        ip -n "$ns" link set eth0 up
}

# netns_build: the bridge's namespace and one namespace per node.
netns_build() {
    local i
    NS_PREFIX=shop-netns-$$-$BROKER
    NS_LAN=$NS_PREFIX-lan
    NETNS_LINKS=0
    netns_add "$NS_LAN" || return
    ip -n "$NS_LAN" link add br0 type bridge && ip -n "$NS_LAN" link set br0 up || return
    netns_node broker "$BROKER_ADDRESS" || return
    for i in "${!NETNS_AGENTS[@]}"; do
        netns_node "${NETNS_AGENTS[$i]}" "${ADDRESSES[$i]}" || return
    done
    netns_node customer "${ADDRESSES[${#NETNS_AGENTS[@]}]}"
}

# netns_spawn NAME NODE ARGS...: ARGS in the background in NODE's namespace and in a UTS
# namespace of its own with host name NODE, with compose's environment and nothing else; output
# in $WORK/NAME.out and .err, PID in $WORK/NAME.pid. The PID is the command's own (`ip netns
# exec`, `env`, `unshare` and `sh` each exec the next), so it can be stopped by PID.
netns_spawn() {
    local name=$1 node=$2
    shift 2
    # shellcheck disable=SC2016  # $0 and $@ are the inner shell's
    ip netns exec "$NS_PREFIX-$node" \
        env -i PATH="$PATH" MQTT_HOST=broker MQTT_PORT="$MQTT_PORT" SHOP_QOS=1 \
        unshare --uts sh -c 'echo "$0" >/proc/sys/kernel/hostname && exec "$@"' "$node" "$@" \
        >"$WORK/$name.out" 2>"$WORK/$name.err" &
    echo $! >"$WORK/$name.pid"
    ix_track "$!"
}

# netns_start NODE ARGS...: netns_spawn, named after the node.
netns_start() { netns_spawn "$1" "$@"; }

netns_pid() { cat "$WORK/$1.pid"; }

# netns_run NAME NODE SECONDS ARGS...: netns_spawn and wait at most SECONDS; returns the exit
# status, or 124 after killing it when it overran.
netns_run() {
    local name=$1 node=$2 bound=$3 pid
    shift 3
    netns_spawn "$name" "$node" "$@"
    pid=$(netns_pid "$name")
    if ! ix_wait_exit "$pid" "$bound"; then
        { kill -KILL "$pid"; ix_wait_exit "$pid" 5; } 2>/dev/null
        return 124
    fi
    return "$IX_STATUS"
}

# --- one pass ----------------------------------------------------------------------------------

netns_start_broker() {
    case $BROKER in
    starling)
        # compose.yaml's own configuration: port 1883 on every interface, anonymous clients.
        netns_start broker "$STARLING" -c "$IX_ROOT/deploy/starling.conf"
        ;;
    mosquitto)
        # deploy/mosquitto.conf less its persistence directory, which is the container's.
        grep -v -E '^persistence' "$IX_ROOT/deploy/mosquitto.conf" >"$WORK/mosquitto.conf"
        echo "persistence false" >>"$WORK/mosquitto.conf"
        chmod 644 "$WORK/mosquitto.conf"
        netns_start broker "$MOSQUITTO" -c "$WORK/mosquitto.conf"
        ;;
    *) ix_die "unknown broker '$BROKER'" ;;
    esac
    local i
    for ((i = 0; i < 100; i++)); do
        ix_alive "$(netns_pid broker)" || break
        netns_run connect customer 2 bash -c "exec 3<>/dev/tcp/broker/$MQTT_PORT" && return 0
        sleep 0.05
    done
    ix_die "$BROKER did not accept connections at broker:$MQTT_PORT from the customer's namespace: $(tail -n 5 "$WORK/broker.out" "$WORK/broker.err")"
}

netns_wait_ready() {
    local try
    for ((try = 1; try <= 15; try++)); do
        netns_run probe customer 10 "$SHOP" customer --customer probe --timeout 2 && return 0
    done
    ix_die "no probe order was delivered in 15 tries: $(tail -n 3 "$WORK/probe.out" "$WORK/probe.err")"
}

netns_pass() {
    netns_read_compose
    echo "compose.yaml: subnet $SUBNET, dynamic range $DYNAMIC, broker $BROKER_ADDRESS:$MQTT_PORT"
    netns_build || ix_die "could not build the namespaces"
    echo "namespaces: $(grep -c . "$WORK/netns") ($NS_PREFIX-*)"
    netns_start_broker
    local node
    for node in "${NETNS_AGENTS[@]}"; do
        case $node in
        packaging-*) netns_start "$node" "$SHOP" packaging --work-time-ms 5 ;;
        shipping) netns_start "$node" "$SHOP" shipping --work-time-ms 5 ;;
        *) netns_start "$node" "$SHOP" "$node" ;;
        esac
    done
    netns_wait_ready
    # A subscriber to the customer's notifications, from the customer's namespace; -W bounds its
    # life, and -d prints the SUBACK it waits for (line-buffered, or the line would come late).
    netns_spawn observed customer stdbuf -oL mosquitto_sub -d -h broker -p "$MQTT_PORT" -q 1 -v -W 140 \
        -t 'shop/customers/netns/notifications'
    local observer i
    observer=$(netns_pid observed)
    for ((i = 0; i < 100; i++)); do
        grep -q '^Subscribed (mid' "$WORK/observed.out" && break
        sleep 0.05
    done
    grep -q '^Subscribed (mid' "$WORK/observed.out" || ix_die "the observer got no SUBACK within 5 s"
    local started=$SECONDS
    netns_run customer customer 100 "$SHOP" customer --customer netns --count "$SHOP_NETNS_ORDERS" \
        --rate "$SHOP_NETNS_RATE" --timeout 30
    assert_status "the customer" 0 $?
    echo "    $SHOP_NETNS_ORDERS orders in $((SECONDS - started)) s: $(grep -a '^\[CUSTOMER\] [0-9]* orders:' "$WORK/customer.out")"
    assert_eq "the customer's result" \
        "[CUSTOMER] result placed=$SHOP_NETNS_ORDERS delivered=$SHOP_NETNS_ORDERS rejected=0 timed-out=0 pending=0 repeated=0 unknown=0" \
        "$(grep -a '^\[CUSTOMER\] result ' "$WORK/customer.out")"
    sleep 1
    kill -TERM "$observer" 2>/dev/null
    ix_wait_exit "$observer" 5
    local once
    once=$(grep -a -o '"orderId":"[^"]*"' "$WORK/observed.out" | sort | uniq -c | awk '$1 == 1' | wc -l)
    assert_eq "orders notified exactly once (a subscriber in the customer's namespace)" \
        "$SHOP_NETNS_ORDERS of $SHOP_NETNS_ORDERS lines" "$once of $(grep -a -c '"orderId"' "$WORK/observed.out") lines"
    for node in "${NETNS_AGENTS[@]}"; do
        kill -TERM "$(netns_pid "$node")" 2>/dev/null
    done
    local shares=()
    for node in "${NETNS_AGENTS[@]}"; do
        if ! ix_wait_exit "$(netns_pid "$node")" 10; then
            ix_fail "$node did not exit within 10 s of SIGTERM"
            continue
        fi
        assert_status "$node after SIGTERM" 0 "$IX_STATUS"
        [ -s "$WORK/$node.err" ] && ix_fail "$node wrote on standard error: $(head -n 3 "$WORK/$node.err")"
        case $node in packaging-*) shares+=("$node $(grep -c '^\[PACKAGING\] packaged order' "$WORK/$node.out")") ;; esac
    done
    echo "    packaged (probes included): ${shares[*]}"
    for node in "${shares[@]}"; do [ "${node#* }" -gt 0 ] || ix_fail "${node% *} packaged nothing"; done
    kill -TERM "$(netns_pid broker)"
    if ix_wait_exit "$(netns_pid broker)" 5; then
        assert_status "$BROKER after SIGTERM" 0 "$IX_STATUS"
    else
        ix_fail "$BROKER did not exit within 5 s of SIGTERM"
    fi
    # Each client reached the broker from its own address, under the client id its host name gave
    # (read once the broker has exited: mosquitto's log to a file is flushed then).
    local i log role
    log=$(cat "$WORK/broker.out" "$WORK/broker.err")
    for i in "${!NETNS_AGENTS[@]}"; do
        node=${NETNS_AGENTS[$i]}
        role=${node%-[0-9]}
        assert_match "$node connected from ${ADDRESSES[$i]} as shop-$role-$node" \
            "from ${ADDRESSES[$i]}:[0-9]+ as shop-$role-$node " "$log"
    done
    assert_match "the customer connected from ${ADDRESSES[${#NETNS_AGENTS[@]}]}" \
        "from ${ADDRESSES[${#NETNS_AGENTS[@]}]}:[0-9]+ as shop-customer-customer-[0-9]+ " "$log"
}

netns_run_one() { # BROKER
    BROKER=$1
    WORK=${IX_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/shop-netns-$BROKER.XXXXXX")}
    mkdir -p "$WORK"
    : >>"$WORK/pids"
    trap 'netns_teardown "$WORK"' EXIT
    trap 'echo "interrupted"; exit 143' TERM INT
    netns_pass
    netns_teardown "$WORK"
    local left
    left=$(ip netns list | grep -F "$NS_PREFIX-")
    [ -z "$left" ] || ix_fail "namespaces left after the teardown: $left"
    [ "$IX_FAILURES" -eq 0 ]
    exit
}

if [ "${1:-}" = --one ]; then
    [ $# -eq 2 ] || { echo "usage: $0 --one BROKER" >&2; exit 2; }
    netns_run_one "$2"
fi

# --- all passes --------------------------------------------------------------------------------

netns_skip() {
    if [ "${SHOP_NETNS_REQUIRED:-0}" = 1 ]; then
        echo "FAIL: $*"
        echo "0 passed, 1 failed"
        exit 1
    fi
    echo "SKIP: $* (SHOP_NETNS_REQUIRED=1 makes this a failure)"
    echo "0 passed, 0 failed"
    exit 0
}

[ "$(id -u)" -eq 0 ] || netns_skip "network namespaces need root"
for tool in ip unshare python3 timeout mosquitto_sub; do
    command -v "$tool" >/dev/null || netns_skip "missing tool: $tool"
done
probe=shop-netns-$$-probe
ip netns add "$probe" 2>/dev/null || netns_skip "'ip netns add' does not work here"
ip netns delete "$probe"
ix_require_programs "$SHOP_NETNS_BROKERS"

# /etc/netns is where `ip netns exec` finds each namespace's hosts file; removed at the end if
# this run made it and it is empty again.
NETNS_ETC_CREATED=0
[ -d /etc/netns ] || NETNS_ETC_CREATED=1
IX_RUN_DIR=$(mktemp -d "${TMPDIR:-/tmp}/shop-netns.XXXXXX")
# The work directory and every file in it must be readable by mosquitto, which drops root.
chmod 755 "$IX_RUN_DIR"
IX_CURRENT=
netns_teardown_all() {
    local dir
    for dir in "$IX_RUN_DIR"/*/; do netns_teardown "$dir"; done
    [ "$NETNS_ETC_CREATED" = 1 ] && rmdir /etc/netns 2>/dev/null
    return 0
}
trap netns_teardown_all EXIT
trap ix_interrupted INT TERM

passed=0 failed=0 started=$SECONDS
echo "== shop in network namespaces: $SHOP_NETNS_ORDERS orders x ($SHOP_NETNS_BROKERS)"
for broker in $SHOP_NETNS_BROKERS; do
    dir="$IX_RUN_DIR/$broker"
    mkdir -p "$dir"
    chmod 755 "$dir"
    t0=$SECONDS
    IX_WORK=$dir timeout -k 5 "$SHOP_NETNS_TIMEOUT" bash "$IX_SELF" --one "$broker" >"$dir/output" 2>&1 </dev/null &
    IX_CURRENT=$!
    wait "$IX_CURRENT" 2>/dev/null # no "Killed" notice: the verdict says it
    rc=$?
    IX_CURRENT=
    netns_teardown "$dir"
    if [ $rc -eq 0 ]; then
        passed=$((passed + 1))
        printf 'PASS %-10s %4ss\n' "$broker" "$((SECONDS - t0))"
        grep -a -E '^(compose|namespaces|    )' "$dir/output" | sed 's/^/     | /'
    else
        failed=$((failed + 1))
        printf 'FAIL %-10s %4ss\n' "$broker" "$((SECONDS - t0))"
        [ $rc -eq 124 ] || [ $rc -eq 137 ] && echo "FAIL: killed after ${SHOP_NETNS_TIMEOUT}s (timeout)" >>"$dir/output"
        sed 's/^/     | /' "$dir/output"
        for log in "$dir/broker.out" "$dir/broker.err"; do
            [ -s "$log" ] && tail -n 10 "$log" | sed "s/^/     | $(basename "$log"): /"
        done
    fi
done
left=$(cat "$IX_RUN_DIR"/*/netns 2>/dev/null | while read -r name; do [ -e "/run/netns/$name" ] && echo "$name"; done)
if [ -n "$left" ]; then
    echo "FAIL: namespaces left: $left"
    failed=$((failed + 1))
fi

echo
echo "== summary ($((SECONDS - started))s)"
if [ $failed -gt 0 ] || [ "${IX_KEEP:-0}" = 1 ]; then
    echo "logs and outputs kept in $IX_RUN_DIR"
else
    rm -rf "$IX_RUN_DIR"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
