#!/usr/bin/env bash
# Runs the same scenarios, driven by the stock mosquitto_pub / mosquitto_sub, against starling and
# against the real mosquitto, with the same expectations: what Mosquitto 2.0 does is the expected
# output. Each scenario × broker run gets a fresh broker on a fresh ephemeral port, runs in its own
# shell under a hard timeout, and leaves nothing running.
#
# Usage (from the repository root or from this directory):
#   mosquitto-interop/run-broker-interop.sh [SCENARIO...]      all scenarios, or only those named
#   mosquitto-interop/run-broker-interop.sh --list             list the scenarios
#   mosquitto-interop/run-broker-interop.sh --one SCENARIO BROKER   one run, output unfiltered
# Environment:
#   STARLING=.build/debug/starling   broker under test (built with `swift build --product starling`
#                                    if it is the default path and missing)
#   MOSQUITTO=/usr/sbin/mosquitto    reference broker
#   IX_BROKERS="mosquitto starling"  which brokers to run
#   IX_SCENARIO_TIMEOUT=45           seconds before a scenario run is killed and counted as failed
#   IX_VERBOSE=1                     brokers log verbosely (starling -v, mosquitto log_type all)
#   IX_KEEP=1                        keep the work directory (logs, outputs) even when all passed
# The last line printed is exactly "N passed, M failed", counting scenario × broker runs; the exit
# status is 0 only if M is 0. Skipped runs (a scenario that does not apply to a broker) are
# reported on the line before.

# shellcheck disable=SC2016  # '$SYS/...', '$share/...' and '%t %p' are literal on purpose
set -uo pipefail
IX_CALLER_PWD=$PWD
IX_SELF="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"
# shellcheck source=lib.sh
source "$(dirname "$IX_SELF")/lib.sh"
cd "$IX_ROOT" || exit 2

if [ -z "${STARLING:-}" ]; then
    STARLING=$IX_ROOT/.build/debug/starling
    IX_STARLING_DEFAULT=1
else
    case $STARLING in /*) ;; *) STARLING=$IX_CALLER_PWD/$STARLING ;; esac
fi
export STARLING MOSQUITTO
: "${IX_BROKERS:=mosquitto starling}"
: "${IX_SCENARIO_TIMEOUT:=45}"

SCENARIOS=(
    qos_pubsub
    retained_set_replace_clear
    retained_wildcards
    sys_not_matched_by_wildcards
    client_publish_to_sys_dropped
    will_on_kill
    will_on_keepalive_timeout
    no_will_on_clean_disconnect
    persistent_session
    session_does_not_queue_qos0
    unsubscribe_persistent
    offline_queue_limit
    shared_subscription
    wait_timeout
    large_payloads
    many_messages_in_order
    fan_out_in_order
    fan_in_per_publisher_order
    overlapping_subscriptions
    count_limit
    empty_topic_levels
    utf8_topics
    empty_client_id
    mqtt5_refused
    mqtt31
    credentials_accepted
)

# --- scenarios ---------------------------------------------------------------------------------
# Each runs with a fresh broker ($BROKER on $BROKER_PORT) and $WORK as its scratch directory,
# reports mismatches with ix_fail / assert_*, and may call ix_skip.

# QoS 0/1/2 in, QoS 0/1/2 subscriptions: payloads and order preserved, delivered QoS is the
# minimum of the two [MQTT-3.8.4-6], retain flag 0 on live delivery [MQTT-3.3.1-9].
sc_qos_pubsub() {
    local t=ix/qos s q n=0
    sub_bg s0 -q 0 -t "$t/#" -F '%t %q %r %p' || return
    sub_bg s1 -q 1 -t "$t/#" -F '%t %q %r %p' || return
    sub_bg s2 -q 2 -t "$t/#" -F '%t %q %r %p' || return
    sub_bg v -q 2 -t "$t/#" -v || return
    local payloads=("first" "second message, with spaces" "  third: leading blanks & symbols !\"#\$%&'()*" "4")
    local exp_s0=() exp_s1=() exp_s2=() exp_v=() p
    for q in 0 1 2; do
        printf '%s\n' "${payloads[@]}" | pub -q "$q" -t "$t/in$q" -l
        assert_status "mosquitto_pub -q $q -l" 0 $?
        for p in "${payloads[@]}"; do
            exp_s0+=("$t/in$q 0 0 $p")
            exp_s1+=("$t/in$q $((q < 1 ? q : 1)) 0 $p")
            exp_s2+=("$t/in$q $q 0 $p")
            exp_v+=("$t/in$q $p")
        done
        n=$((n + ${#payloads[@]}))
        # publishers on separate connections have no order between them: wait for each batch
        for s in s0 s1 s2 v; do sub_wait_count "$s" "$n"; done
    done
    sub_stop s0 s1 s2 v
    assert_eq "QoS 0 subscriber (-F '%t %q %r %p')" "$(printf '%s\n' "${exp_s0[@]}")" "$(sub_out s0)"
    assert_eq "QoS 1 subscriber (-F '%t %q %r %p')" "$(printf '%s\n' "${exp_s1[@]}")" "$(sub_out s1)"
    assert_eq "QoS 2 subscriber (-F '%t %q %r %p')" "$(printf '%s\n' "${exp_s2[@]}")" "$(sub_out s2)"
    assert_eq "QoS 2 subscriber (-v)" "$(printf '%s\n' "${exp_v[@]}")" "$(sub_out v)"
}

# Retained message set, replaced, cleared by an empty retained publish (-r -n) [MQTT-3.3.1-10];
# new subscribers get it with retain 1 at min(stored QoS, subscription QoS), current subscribers
# get every publish, the empty one included, with retain 0.
sc_retained_set_replace_clear() {
    local t=ix/retained/a out
    sub_bg live -q 2 -t "$t" -F '%t %q %r %l %p' || return
    pub -r -q 1 -t "$t" -m v1
    out=$(sub -q 2 -t "$t" -C 1 -W 5 -F '%t %q %r %p')
    assert_eq "after set (QoS 1)" "$t 1 1 v1" "$out"
    pub -r -q 2 -t "$t" -m "v2 replaced"
    out=$(sub -q 2 -t "$t" -C 1 -W 5 -F '%t %q %r %p')
    assert_eq "after replace (QoS 2)" "$t 2 1 v2 replaced" "$out"
    pub -r -q 0 -t "$t" -m v3
    out=$(sub -q 1 -t "$t" -C 1 -W 5 -F '%t %q %r %p')
    assert_eq "after replace (QoS 0)" "$t 0 1 v3" "$out"
    pub -r -n -t "$t"
    assert_status "mosquitto_pub -r -n" 0 $?
    out=$(sub -q 2 -t "$t" -W 1 -F '%t %q %r %p' 2>/dev/null)
    assert_status "subscriber after clear (-W 1: nothing to receive)" 27 $?
    assert_eq "after clear: no retained message" "" "$out"
    sub_wait_count live 4
    sub_stop live
    assert_eq "live subscriber (-F '%t %q %r %l %p')" "$t 1 0 2 v1
$t 2 0 11 v2 replaced
$t 0 0 2 v3
$t 0 0 0 " "$(sub_out live)"
}

# Retained messages delivered to new wildcard subscriptions; '#' also matches the parent level
# [MQTT-4.7.1-2].
sc_retained_wildcards() {
    local p=ix/rw topic f
    for topic in ix ix/rw ix/rw/a ix/rw/b ix/rw/b/c ix/rw/c/d/e ix/rwx/a other/rw/a; do
        pub -r -q 1 -t "$topic" -m "retained $topic"
        assert_status "mosquitto_pub -r -t $topic" 0 $?
    done
    local -A want=(
        [plus]="$p/+"
        [hash]="$p/#"
        [plusplus]="+/rw/+"
        [plushash]="$p/+/#"
        [levels]="+/+"
    )
    local -A count=([plus]=2 [hash]=5 [plusplus]=3 [plushash]=4 [levels]=1)
    for f in "${!want[@]}"; do sub_bg "$f" -q 1 -t "${want[$f]}" -F '%t %r %p' || return; done
    for f in "${!want[@]}"; do sub_wait_count "$f" "${count[$f]}"; done
    sub_stop "${!want[@]}"
    for f in "${!want[@]}"; do sub_out "$f" >"$WORK/$f.out"; done
    assert_eq "retained for '$p/+'" "ix/rw/a 1 retained ix/rw/a
ix/rw/b 1 retained ix/rw/b" "$(sort "$WORK/plus.out")"
    assert_eq "retained for '$p/#'" "ix/rw 1 retained ix/rw
ix/rw/a 1 retained ix/rw/a
ix/rw/b 1 retained ix/rw/b
ix/rw/b/c 1 retained ix/rw/b/c
ix/rw/c/d/e 1 retained ix/rw/c/d/e" "$(sort "$WORK/hash.out")"
    assert_eq "retained for '+/rw/+'" "ix/rw/a 1 retained ix/rw/a
ix/rw/b 1 retained ix/rw/b
other/rw/a 1 retained other/rw/a" "$(sort "$WORK/plusplus.out")"
    assert_eq "retained for '$p/+/#'" "ix/rw/a 1 retained ix/rw/a
ix/rw/b 1 retained ix/rw/b
ix/rw/b/c 1 retained ix/rw/b/c
ix/rw/c/d/e 1 retained ix/rw/c/d/e" "$(sort "$WORK/plushash.out")"
    assert_eq "retained for '+/+'" "ix/rw 1 retained ix/rw" "$(sort "$WORK/levels.out")"
}

# '#' and '+' at the first level do not match topics starting with '$' [MQTT-4.7.2-1], while
# $SYS/broker/version can be subscribed to explicitly and is retained.
sc_sys_not_matched_by_wildcards() {
    local out
    sub_bg all -t '#' -F '%t' || return
    sub_bg plus -t '+/broker/version' -F '%t' || return
    pub -t ix/sys/probe -m probe
    sub_wait_count all 1
    out=$(sub -t '$SYS/broker/version' -C 1 -W 5 -F '%t %r %p')
    assert_status "subscriber '\$SYS/broker/version' -C 1" 0 $?
    assert_match "explicit \$SYS/broker/version subscription gets the retained version" \
        '^\$SYS/broker/version 1 [a-z]+ version [0-9]' "$out"
    out=$(sub -t '$SYS/#' -C 1 -W 5 -F '%t')
    assert_match "'\$SYS/#' gets \$SYS topics" '^\$SYS/' "$out"
    sub_stop all plus
    assert_no_match "'#' must not match \$SYS topics" '^\$' "$(sub_out all)"
    assert_eq "'#' gets the ordinary topic" "ix/sys/probe" "$(sub_out all)"
    assert_eq "'+/broker/version' must not match \$SYS/broker/version" "" "$(sub_out plus)"
}

# Mosquitto refuses client publishes to $SYS/... (its default ACL): the PUBLISH is acknowledged
# and dropped, so a client can neither spoof broker statistics to subscribers nor replace the
# retained $SYS/broker/version. Other '$' topics are the clients' to use.
sc_client_publish_to_sys_dropped() {
    local out
    sub_bg sys -q 1 -t '$SYS/ix/#' -F '%t %p' || return
    sub_bg dollar -q 1 -t '$ix/#' -F '%t %p' || return
    pub -q 1 -t '$SYS/ix/spoof' -m spoofed
    assert_status "mosquitto_pub -q 1 to \$SYS/ix/spoof" 0 $?
    pub -q 1 -r -t '$SYS/broker/version' -m "spoofed version"
    assert_status "mosquitto_pub -r to \$SYS/broker/version" 0 $?
    pub -q 1 -t '$ix/own' -m "own dollar topic"
    assert_status "mosquitto_pub to \$ix/own" 0 $?
    sub_wait_count dollar 1
    sub_stop sys dollar
    assert_eq "client publish to \$SYS/ix/spoof is not delivered" "" "$(sub_out sys)"
    assert_eq "client publish to \$ix/own is delivered" '$ix/own own dollar topic' "$(sub_out dollar)"
    out=$(sub -t '$SYS/broker/version' -C 1 -W 5 -F '%t %p')
    assert_match "retained \$SYS/broker/version is still the broker's" \
        '^\$SYS/broker/version [a-z]+ version [0-9]' "$out"
}

# A client that dies without DISCONNECT (SIGKILL) has its will published [MQTT-3.1.2-8], with
# the will's QoS and retain flag.
sc_will_on_kill() {
    local t=ix/will/status out
    sub_bg watch -q 2 -t "$t" -F '%t %q %r %p' || return
    sub_bg willer -i ix-willer -t ix/will/dummy \
        --will-topic "$t" --will-payload "willer gone" --will-qos 1 --will-retain || return
    kill -KILL "$(sub_pid willer)"
    wait "$(sub_pid willer)" 2>/dev/null
    sub_wait_count watch 1 || ix_fail "no will within ${IX_WAIT_TIMEOUT}s of SIGKILL"
    sub_stop watch
    assert_eq "will delivered to a current subscriber" "$t 1 0 willer gone" "$(sub_out watch)"
    out=$(sub -q 2 -t "$t" -C 1 -W 5 -F '%t %q %r %p')
    assert_eq "retained will delivered to a new subscriber" "$t 1 1 willer gone" "$out"
}

# A client that goes silent (SIGSTOP) is disconnected once its keepalive has expired and its will
# is published. -k 5 is the smallest keepalive mosquitto_sub accepts. The spec says within 1.5 x
# keepalive [MQTT-3.1.2-24], i.e. 7.5 s; mosquitto 2.0.11 takes about 11.7 s, so the window is
# "not before the keepalive, and within 15 s", and the time is printed.
sc_will_on_keepalive_timeout() {
    local t=ix/will/keepalive t0 ms pid
    sub_bg watch -q 1 -t "$t" -F '%t %q %p' || return
    sub_bg willer -i ix-silent -k 5 -t ix/will/dummy \
        --will-topic "$t" --will-payload "went silent" --will-qos 1 || return
    pid=$(sub_pid willer)
    kill -STOP "$pid"
    t0=$(date +%s%N)
    IX_WAIT_TIMEOUT=16 sub_wait_count watch 1
    ms=$((($(date +%s%N) - t0) / 1000000))
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null
    sub_stop watch
    assert_eq "will after the keepalive expired" "$t 1 went silent" "$(sub_out watch)"
    echo "will arrived ${ms} ms after the client went silent"
    if [ "$ms" -lt 5000 ] || [ "$ms" -gt 15000 ]; then
        ix_fail "will arrived ${ms} ms after SIGSTOP; expected between 5000 (keepalive) and 15000"
    fi
}

# A client that sends DISCONNECT has its will discarded [MQTT-3.1.2-10].
sc_no_will_on_clean_disconnect() {
    local t=ix/will/status
    sub_bg watch -q 1 -t "$t" -F '%t %q %r %p' || return
    sub_bg willer -i ix-willer -C 1 -t ix/will/go \
        --will-topic "$t" --will-payload "should not appear" --will-qos 1 || return
    pub -q 1 -t ix/will/go -m bye
    sub_wait willer && assert_status "willer (-C 1) exit" 0 "$IX_STATUS"
    # the broker had the DISCONNECT and closed before the willer exited; give a will time to show
    sleep 0.5
    sub_stop watch
    assert_eq "no will after a clean disconnect" "" "$(sub_out watch)"
    assert_eq "willer received its one message" "bye" "$(sub_out willer)"
}

# Persistent session (-c): subscriptions survive, QoS 1/2 messages published while the client
# is offline are queued and delivered in order on reconnect; a clean-session connect with the
# same id discards the session [MQTT-3.1.2-6].
# The reconnecting subscribers run until stopped rather than with -C: mosquitto_sub -C closes
# its socket as soon as it has counted N messages, before it has sent every PUBACK, and the
# broker then rightly redelivers those messages on the next connect.
sc_persistent_session() {
    local id=ix-session t=ix/session
    sub -c -i "$id" -q 1 -t "$t" -E
    assert_status "first persistent subscribe (-c -E)" 0 $?
    printf 'one\ntwo\nthree\n' | pub -q 1 -t "$t" -l
    pub -q 2 -t "$t" -m four
    sub_bg r1 -c -i "$id" -q 1 -t "$t" -F '%t %q %p' || return
    sub_wait_count r1 4
    sub_stop r1
    assert_eq "messages queued while offline" "$t 1 one
$t 1 two
$t 1 three
$t 1 four" "$(sub_out r1)"
    pub -q 1 -t "$t" -m five
    sub_bg r2 -c -i "$id" -q 1 -t "$t" -F '%t %q %p' || return
    sub_wait_count r2 1
    sub_stop r2
    assert_eq "session still there after the second reconnect" "$t 1 five" "$(sub_out r2)"
    sub -i "$id" -t ix/other -E
    assert_status "clean-session connect with the same id" 0 $?
    pub -q 1 -t "$t" -m "six (no session)"
    sub_bg r3 -c -i "$id" -q 1 -t "$t" -F '%t %q %p' || return
    sub_stop r3
    assert_eq "nothing queued once a clean session discarded the old one" "" "$(sub_out r3)"
}

# Mosquitto does not queue QoS 0 messages for offline persistent clients (queue_qos0_messages
# defaults to false), only QoS 1 and 2.
sc_session_does_not_queue_qos0() {
    local id=ix-q0 t=ix/q0
    sub -c -i "$id" -q 1 -t "$t" -E
    assert_status "persistent subscribe (-c -E)" 0 $?
    pub -q 0 -t "$t" -m "zero, not queued"
    pub -q 1 -t "$t" -m "one, queued"
    sub_bg r -c -i "$id" -q 1 -t "$t" -F '%t %q %p' || return
    sub_wait_count r 1
    sub_stop r
    assert_eq "only the QoS 1 message was queued" "$t 1 one, queued" "$(sub_out r)"
}

# mosquitto_sub -U removes a subscription from a persistent session: nothing published to it
# afterwards is queued.
sc_unsubscribe_persistent() {
    local id=ix-unsub i
    sub -c -i "$id" -q 1 -t ix/unsub/a -t ix/unsub/b -E
    assert_status "persistent subscribe to two topics (-c -E)" 0 $?
    sub_bg u -c -i "$id" -q 1 -U ix/unsub/a -t ix/unsub/c || return
    for ((i = 0; i < IX_WAIT_TIMEOUT * 20; i++)); do
        grep -q 'received UNSUBACK' "$WORK/u.raw" && break
        sleep 0.05
    done
    grep -q 'received UNSUBACK' "$WORK/u.raw" || ix_fail "no UNSUBACK: $(cat "$WORK/u.raw")"
    sub_stop u
    pub -q 1 -t ix/unsub/a -m "to a (unsubscribed)"
    pub -q 1 -t ix/unsub/b -m "to b"
    pub -q 1 -t ix/unsub/c -m "to c"
    sub_bg r -c -i "$id" -q 1 -t ix/unsub/d -F '%t %p' || return
    sub_wait_count r 2
    sub_stop r
    assert_eq "queued for the remaining subscriptions only" "ix/unsub/b to b
ix/unsub/c to c" "$(sub_out r | sort)"
}

# An offline persistent session queues at most max_queued_messages (1000 by default in both
# brokers) QoS 1/2 messages; later ones are dropped, the queued ones come back in order.
sc_offline_queue_limit() {
    local id=ix-limit t=ix/limit n=1100
    sub -c -i "$id" -q 1 -t "$t" -E
    assert_status "persistent subscribe (-c -E)" 0 $?
    seq -f 'queued %04g' 1 "$n" | pub -q 1 -t "$t" -l
    assert_status "mosquitto_pub -l ($n lines)" 0 $?
    sub_bg r -c -i "$id" -q 1 -t "$t" -F '%p' || return
    sub_wait_count r 1000
    sub_stop r
    echo "received $(sub_count r) of $n"
    assert_eq "the first 1000 queued messages, in order" "$(seq -f 'queued %04g' 1 1000)" "$(sub_out r)"
}

# $share/group/filter: two members split the messages (each gets some, none twice, none lost,
# each in publish order); an ordinary subscriber gets all of them.
sc_shared_subscription() {
    local t=ix/shared/work i n=20 expected
    sub_bg g1 -q 1 -t "\$share/ixgroup/ix/shared/#" -F '%p' || return
    sub_bg g2 -q 1 -t "\$share/ixgroup/ix/shared/#" -F '%p' || return
    sub_bg all -q 1 -t "ix/shared/#" -F '%p' || return
    expected=$(seq -f 'msg %02g' 1 "$n")
    printf '%s\n' "$expected" | pub -q 1 -t "$t" -l
    assert_status "mosquitto_pub -l" 0 $?
    sub_wait_count all "$n"
    for ((i = 0; i < IX_WAIT_TIMEOUT * 20; i++)); do
        [ $(($(sub_count g1) + $(sub_count g2))) -ge "$n" ] && break
        sleep 0.05
    done
    sub_stop g1 g2 all
    local g1 g2
    g1=$(sub_out g1)
    g2=$(sub_out g2)
    assert_eq "ordinary subscriber gets every message in order" "$expected" "$(sub_out all)"
    assert_eq "group members together get every message exactly once" "$expected" \
        "$(printf '%s\n%s\n' "$g1" "$g2" | grep -v '^$' | sort)"
    if [ -z "$g1" ] || [ -z "$g2" ]; then
        ix_fail "messages not split between the group members (member 1 got $(sub_count g1), member 2 got $(sub_count g2))"
    fi
    assert_eq "member 1 gets its share in publish order" "$(printf '%s\n' "$g1" | sort)" "$g1"
    assert_eq "member 2 gets its share in publish order" "$(printf '%s\n' "$g2" | sort)" "$g2"
    echo "split: member 1 got $(sub_count g1), member 2 got $(sub_count g2)"
}

# mosquitto_sub -W with nothing to receive times out: exit status 27, "Timed out" on stderr.
sc_wait_timeout() {
    local out rc
    out=$(sub -t ix/nothing/here -W 1 2>"$WORK/err")
    rc=$?
    assert_status "mosquitto_sub -W 1" 27 "$rc"
    assert_eq "stdout" "" "$out"
    assert_eq "stderr" "Timed out" "$(cat "$WORK/err")"
}

# 1 MiB and 5 MiB binary payloads (-f) at QoS 0 and 1, live and retained, byte-identical.
# Mosquitto has no payload limit by default (message_size_limit 0) and delivers a QoS 0 message
# of any size to a subscriber that reads it.
sc_large_payloads() {
    local size name q
    for size in 1 5; do
        name=${size}m
        head -c $((size * 1024 * 1024)) /dev/urandom >"$WORK/$name.bin"
        for q in 0 1; do
            sub_bg "live$name$q" -q "$q" -t "ix/large/$name/$q" -C 1 -F '%x' || return
            pub -q "$q" -t "ix/large/$name/$q" -f "$WORK/$name.bin"
            assert_status "mosquitto_pub -q $q -f ($size MiB)" 0 $?
            sub_wait "live$name$q" && assert_status "subscriber -q $q -C 1 ($size MiB)" 0 "$IX_STATUS"
            sub_out "live$name$q" | python3 -c 'import sys, binascii
sys.stdout.buffer.write(binascii.unhexlify(sys.stdin.read().strip()))' >"$WORK/$name$q.live"
            assert_same_file "$size MiB payload at QoS $q, live delivery" "$WORK/$name.bin" "$WORK/$name$q.live"
        done
        pub -r -q 1 -t "ix/large/retained$name" -f "$WORK/$name.bin"
        assert_status "mosquitto_pub -r -f ($size MiB)" 0 $?
        sub -q 1 -t "ix/large/retained$name" -C 1 -W 10 -N >"$WORK/$name.retained"
        assert_status "subscriber -C 1 -N for the retained $size MiB" 0 $?
        assert_same_file "$size MiB payload, retained delivery" "$WORK/$name.bin" "$WORK/$name.retained"
    done
}

# 1000 lines at QoS 0 and 1 and 300 at QoS 2 over one connection (-l) arrive complete and in
# order (QoS 0 on loopback to a subscriber that keeps up: mosquitto drops none).
sc_many_messages_in_order() {
    local q n
    for q in 0 1 2; do
        n=$((q == 2 ? 300 : 1000))
        seq -f "message %04g at QoS $q" 1 "$n" >"$WORK/lines$q"
        sub_bg "s$q" -q "$q" -t "ix/many/$q" -C "$n" -F '%q %p' || return
        pub -q "$q" -t "ix/many/$q" -l <"$WORK/lines$q"
        assert_status "mosquitto_pub -q $q -l ($n lines)" 0 $?
        sub_wait_count "s$q" "$n" || sleep "$IX_QUIET_PERIOD"
        sub_stop "s$q"
        assert_eq "$n messages at QoS $q, in order" "$(sed "s/^/$q /" "$WORK/lines$q")" "$(sub_out "s$q")"
    done
}

# One publisher, ten subscribers (spread over the broker's loops): each gets every message once,
# in order.
sc_fan_out_in_order() {
    local i n=200 expected
    expected=$(seq -f 'fan-out %03g' 1 "$n")
    for ((i = 1; i <= 10; i++)); do sub_bg "s$i" -q 1 -t ix/fanout -F '%p' || return; done
    printf '%s\n' "$expected" | pub -q 1 -t ix/fanout -l
    assert_status "mosquitto_pub -l" 0 $?
    for ((i = 1; i <= 10; i++)); do sub_wait_count "s$i" "$n"; done
    sub_stop s1 s2 s3 s4 s5 s6 s7 s8 s9 s10
    for ((i = 1; i <= 10; i++)); do
        assert_eq "subscriber $i of 10" "$expected" "$(sub_out "s$i")"
    done
}

# Five publishers at once, one subscriber: every message arrives once, and each publisher's
# messages keep their order [MQTT-4.6.0-6].
sc_fan_in_per_publisher_order() {
    local p n=200 pids=()
    sub_bg s -q 1 -t 'ix/fanin/#' -F '%t %p' || return
    for p in 1 2 3 4 5; do
        seq -f "pub$p %03g" 1 "$n" | pub -q 1 -t "ix/fanin/$p" -l &
        pids+=($!)
    done
    for p in "${pids[@]}"; do
        wait "$p"
        assert_status "concurrent mosquitto_pub -l" 0 $?
    done
    sub_wait_count s $((5 * n))
    sub_stop s
    assert_eq "total messages" $((5 * n)) "$(sub_count s)"
    for p in 1 2 3 4 5; do
        assert_eq "publisher $p: all messages, in its order" \
            "$(seq -f "ix/fanin/$p pub$p %03g" 1 "$n")" "$(sub_out s | grep "^ix/fanin/$p ")"
    done
}

# One client with overlapping subscriptions ('ix/ov/#' and 'ix/ov/+') gets one copy of a message
# that matches both (mosquitto 2.0 behaviour; [MQTT-3.3.5-1] allows either).
sc_overlapping_subscriptions() {
    sub_bg s -q 1 -t 'ix/ov/#' -t 'ix/ov/+' -F '%t %q %p' || return
    pub -q 1 -t ix/ov/a -m first
    pub -q 1 -t ix/ov/a/b -m second
    sub_wait_count s 2
    sub_stop s
    assert_eq "one copy per message" "ix/ov/a 1 first
ix/ov/a/b 1 second" "$(sub_out s)"
}

# -C N: exit 0 after exactly N messages; retained messages count.
sc_count_limit() {
    local out
    sub_bg s -q 1 -t ix/count -C 3 -F '%p' || return
    seq 1 5 | pub -q 1 -t ix/count -l
    sub_wait s && assert_status "subscriber -C 3" 0 "$IX_STATUS"
    assert_eq "-C 3 prints the first three" "1
2
3" "$(sub_out s)"
    pub -r -t ix/count/kept -m kept
    out=$(sub -t ix/count/kept -C 1 -W 5 -F '%r %p')
    assert_status "subscriber -C 1 on a retained topic" 0 $?
    assert_eq "-C 1 satisfied by the retained message" "1 kept" "$out"
}

# Empty topic levels are legal and distinct ('a//b', '/a', 'a/'), '+' matches an empty level and
# '#' the parent level [MQTT-4.7.1-2, -3].
sc_empty_topic_levels() {
    local topics=("/ixe/lead" "ixe//mid" "ixe/trail/" "ixe/trail" "ixe/mid")
    local -A want=(
        [f_lead]="/ixe/lead"
        [f_plus_lead]="+/ixe/lead"
        [f_slash_hash]="/#"
        [f_mid]="ixe//mid"
        [f_plus_mid]="ixe/+/mid"
        [f_trail]="ixe/trail/"
        [f_trail_plus]="ixe/trail/+"
        [f_trail_hash]="ixe/trail/#"
        [f_three]="+/+/+"
        [f_two]="ixe/+"
    )
    local -A expect=(
        [f_lead]="/ixe/lead"
        [f_plus_lead]="/ixe/lead"
        [f_slash_hash]="/ixe/lead"
        [f_mid]="ixe//mid"
        [f_plus_mid]="ixe//mid"
        [f_trail]="ixe/trail/"
        [f_trail_plus]="ixe/trail/"
        [f_trail_hash]="ixe/trail ixe/trail/"
        [f_three]="/ixe/lead ixe//mid ixe/trail/"
        [f_two]="ixe/mid ixe/trail"
    )
    local f t
    for f in "${!want[@]}"; do sub_bg "$f" -q 1 -t "${want[$f]}" -F '%t|%p' || return; done
    for t in "${topics[@]}"; do
        pub -q 1 -t "$t" -m "to $t"
        assert_status "mosquitto_pub -t '$t'" 0 $?
    done
    for f in "${!want[@]}"; do
        # shellcheck disable=SC2086
        sub_wait_count "$f" "$(set -- ${expect[$f]}; echo $#)"
    done
    sub_stop "${!want[@]}"
    for f in "${!want[@]}"; do
        assert_eq "filter '${want[$f]}'" \
            "$(for t in ${expect[$f]}; do echo "$t|to $t"; done | sort)" "$(sub_out "$f" | sort)"
    done
}

# UTF-8 topics and payloads, exact and wildcard, live and retained; topics are compared as bytes
# with no Unicode normalisation [MQTT-4.7.3-4].
sc_utf8_topics() {
    local t="ix/ünïcødé/€/日本語" payload="grüße 👋 ✓" out
    local nfd=$'ix/u\xcc\x88ni\xcc\x88c\xc3\xb8de\xcc\x81/\xe2\x82\xac/日本語'
    sub_bg exact -q 1 -t "$t" -v || return
    sub_bg plus -q 1 -t "ix/ünïcødé/+/日本語" -v || return
    sub_bg hash -q 1 -t "ix/+/€/#" -v || return
    sub_bg decomposed -q 1 -t "$nfd" -v || return
    pub -q 1 -t "$t" -m "$payload"
    assert_status "mosquitto_pub to a UTF-8 topic" 0 $?
    for s in exact plus hash; do sub_wait_count "$s" 1; done
    sub_stop exact plus hash decomposed
    for s in exact plus hash; do
        assert_eq "subscriber $s" "$t $payload" "$(sub_out "$s")"
    done
    assert_eq "a decomposed (NFD) filter does not match the composed topic" "" "$(sub_out decomposed)"
    pub -r -q 1 -t "$t" -m "$payload"
    out=$(sub -t "ix/+/€/+" -C 1 -W 5 -v)
    assert_eq "retained on a UTF-8 topic" "$t $payload" "$out"
}

# A zero-length client id needs clean session [MQTT-3.1.3-7, -8]. mosquitto_sub refuses
# -c without an id (and an empty -i) before connecting, so the broker's CONNACK 2 is checked with
# raw CONNECT packets too.
sc_empty_client_id() {
    local rc
    sub -c -q 1 -t ix/x -W 2 >/dev/null 2>"$WORK/err"
    rc=$?
    assert_status "mosquitto_sub -c without -i" 1 "$rc"
    assert_eq "mosquitto_sub -c without -i: stderr" "Error: You must provide a client id if you are using the -c option.

Use 'mosquitto_sub --help' to see usage." "$(cat "$WORK/err")"
    sub -c -i "" -q 1 -t ix/x -W 2 >/dev/null 2>"$WORK/err"
    rc=$?
    assert_status "mosquitto_sub -c -i ''" 1 "$rc"
    assert_eq "mosquitto_sub -c -i '': stderr" "Error: Invalid id and/or clean_session." "$(cat "$WORK/err")"
    # CONNECT 3.1.1, clean session 0, keepalive 60, client id ""  ->  CONNACK 2, then close
    assert_eq "raw 3.1.1 CONNECT, empty id, clean session 0" "20 02 00 02 closed" \
        "$(ix_raw_exchange '10 0c 0004 4d515454 04 00 003c 0000')"
    # same with clean session 1, then DISCONNECT  ->  CONNACK 0, then close
    assert_eq "raw 3.1.1 CONNECT, empty id, clean session 1" "20 02 00 00 closed" \
        "$(ix_raw_exchange '10 0c 0004 4d515454 04 02 003c 0000 e000')"
    # MQTT 3.1 ("MQIsdp", level 3) requires a client id: CONNACK 2 even with clean session 1
    assert_eq "raw 3.1 CONNECT, empty id, clean session 1" "20 02 00 02 closed" \
        "$(ix_raw_exchange '10 0e 0006 4d5149736470 03 02 003c 0000')"
}

# mosquitto_pub -V 5 against a 3.1.1-only broker: CONNACK 1 (unacceptable protocol level), then
# close [MQTT-3.1.2-2]; libmosquitto then reports "Unsupported Protocol Version" and exits 132.
# Starling only: mosquitto 2.0 speaks MQTT 5 and accepts the connection.
sc_mqtt5_refused() {
    [ "$BROKER" = mosquitto ] &&
        ix_skip "mosquitto 2.0 supports MQTT 5 and accepts -V 5; this checks a 3.1.1-only broker"
    local rc
    pub -V 5 -q 1 -t ix/v5 -m hello >/dev/null 2>"$WORK/err"
    rc=$?
    assert_status "mosquitto_pub -V 5" 132 "$rc"
    assert_eq "mosquitto_pub -V 5: stderr" "Connection error: Unsupported Protocol Version. Try connecting to an MQTT v5 broker, or use MQTT v3.x mode.
Error: A network protocol error occurred when communicating with the broker." "$(cat "$WORK/err")"
    # CONNECT level 5, clean start, keepalive 60, no properties, client id ""
    assert_eq "raw MQTT 5 CONNECT" "20 02 00 01 closed" \
        "$(ix_raw_exchange '10 0d 0004 4d515454 05 02 003c 00 0000')"
}

# MQTT 3.1 (-V 31, "MQIsdp") clients publish and subscribe, with 3.1.1 clients alike.
sc_mqtt31() {
    local out
    sub_bg s31 -V 31 -q 2 -t ix/v31/# -F '%t %q %p' || return
    sub_bg s311 -V 311 -q 2 -t ix/v31/# -F '%t %q %p' || return
    pub -V 31 -q 0 -t ix/v31/a -m "from 3.1 q0"
    assert_status "mosquitto_pub -V 31 -q 0" 0 $?
    sub_wait_count s31 1
    pub -V 31 -q 1 -t ix/v31/a -m "from 3.1 q1"
    assert_status "mosquitto_pub -V 31 -q 1" 0 $?
    sub_wait_count s31 2
    pub -V 31 -q 2 -t ix/v31/a -m "from 3.1 q2"
    assert_status "mosquitto_pub -V 31 -q 2" 0 $?
    sub_wait_count s31 3
    pub -V 311 -q 2 -t ix/v31/b -m "from 3.1.1 q2"
    sub_wait_count s31 4
    sub_wait_count s311 4
    sub_stop s31 s311
    local expected="ix/v31/a 0 from 3.1 q0
ix/v31/a 1 from 3.1 q1
ix/v31/a 2 from 3.1 q2
ix/v31/b 2 from 3.1.1 q2"
    assert_eq "3.1 subscriber" "$expected" "$(sub_out s31)"
    assert_eq "3.1.1 subscriber" "$expected" "$(sub_out s311)"
    pub -V 31 -r -q 1 -t ix/v31/kept -m "kept by 3.1"
    out=$(sub -V 31 -t ix/v31/kept -C 1 -W 5 -F '%t %r %p')
    assert_eq "retained over 3.1" "ix/v31/kept 1 kept by 3.1" "$out"
}

# With allow_anonymous true and no password file, any user name and password are accepted.
sc_credentials_accepted() {
    local out
    sub_bg s -u someone -P secret -q 1 -t ix/creds -F '%t %p' || return
    pub -u other -P "pa ss" -q 1 -t ix/creds -m "with credentials"
    assert_status "mosquitto_pub -u -P" 0 $?
    pub -u "user only" -q 1 -t ix/creds -m "user name only"
    assert_status "mosquitto_pub -u (no password)" 0 $?
    sub_wait_count s 2
    sub_stop s
    assert_eq "messages from clients with credentials" "ix/creds with credentials
ix/creds user name only" "$(sub_out s)"
}

# --- the runner ---------------------------------------------------------------------------------

IX_NAME=mosquitto-interop

ix_preflight() {
    local tool
    for tool in mosquitto_pub mosquitto_sub python3 timeout stdbuf cmp; do
        command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 2; }
    done
    case " $IX_BROKERS " in *" mosquitto "*)
        [ -x "$MOSQUITTO" ] || { echo "mosquitto not found at $MOSQUITTO (set MOSQUITTO)" >&2; exit 2; } ;;
    esac
    case " $IX_BROKERS " in *" starling "*)
        if [ ! -x "$STARLING" ] && [ "${IX_STARLING_DEFAULT:-0}" = 1 ]; then
            echo "== building starling (swift build --product starling)"
            swift build --product starling >&2 || { echo "swift build failed" >&2; exit 2; }
        fi
        [ -x "$STARLING" ] || { echo "starling not found at $STARLING (set STARLING)" >&2; exit 2; } ;;
    esac
}

ix_header() { # `selected` is ix_main's
    echo "broker interop: ${#selected[@]} scenarios x ($IX_BROKERS); starling: $STARLING; mosquitto: $MOSQUITTO"
}

ix_main "$@"
