# Shared by the lab commands (up, down, block, unblock, run). Sourced, not run.
#
# One lab = seven network namespaces named "<lab>-<host>", so two labs (two test runs) coexist.
# The lab's name comes from $DETOUR_LAB (default "dlab"); its state lives in $LAB_DIR.
#
#   lan ── home ── access ── isp (censor) ── transit ── inet (web, DNS, block page; 203.0.113.0/24, 198.18.0.0/16)
#    └──────── vxlan tunnel over the same path ────────── vps (the server abroad, NATs to inet)
set -euo pipefail

LAB=${DETOUR_LAB:-dlab}
LAB_ROOT=${DETOUR_LAB_ROOT:-/run/detour-lab}
LAB_DIR=$LAB_ROOT/$LAB
LAB_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$LAB_SRC/../../.." && pwd)

# Link addresses (198.51.100.0/24 in /30s), services and the tunnel.
HOME_IP=198.51.100.2      ACCESS_HOME=198.51.100.1
ACCESS_ISP=198.51.100.5   ISP_ACCESS=198.51.100.6
ISP_TRANSIT=198.51.100.9  TRANSIT_ISP=198.51.100.10
TRANSIT_INET=198.51.100.13 INET_IP=198.51.100.14
TRANSIT_VPS=198.51.100.17 VPS_IP=198.51.100.18
TUN_VPS=192.0.2.1         TUN_HOME=192.0.2.2
LAN_HOME=192.0.2.65       LAN_IP=192.0.2.66      LAN_NET=192.0.2.64/30
WEB1=203.0.113.10 WEB2=203.0.113.11 WEB3=203.0.113.12 WEB4=203.0.113.13 WEB5=203.0.113.14
PARKING_IP=203.0.113.15   # a domain parking service: its own page and certificate, on no list
DNS_IP=203.0.113.53       BLOCKPAGE_IP=203.0.113.250
UNLISTED_BLOCKPAGE_IP=203.0.113.251  # another ISP's block page, which no configured list names
ISP_RESOLVER=$ISP_ACCESS
MASS_PREFIX=198.18.0.0/16

# IPv6, inside the documentation prefix 2001:db8::/32 only: a /64 per link, 2001:db8:0:LINK::/64,
# each host keeping the last number of its IPv4 address (written as is: .14 is ::14); inet's
# service addresses 203.0.113.x are 2001:db8:113::x and the mass-block space 198.18.x.y is
# 2001:db8:1800::/40 (198.18.0.n is 2001:db8:1800::n). The tunnel's outer packets stay IPv4.
HOME_IP6=2001:db8:0:1::2       ACCESS_HOME6=2001:db8:0:1::1
ACCESS_ISP6=2001:db8:0:2::5    ISP_ACCESS6=2001:db8:0:2::6
ISP_TRANSIT6=2001:db8:0:3::9   TRANSIT_ISP6=2001:db8:0:3::10
TRANSIT_INET6=2001:db8:0:4::13 INET_IP6=2001:db8:0:4::14
TRANSIT_VPS6=2001:db8:0:5::17  VPS_IP6=2001:db8:0:5::18
TUN_VPS6=2001:db8:0:6::1       TUN_HOME6=2001:db8:0:6::2     TUN_NET6=2001:db8:0:6::/64
LAN_HOME6=2001:db8:0:7::65     LAN_IP6=2001:db8:0:7::66      LAN_NET6=2001:db8:0:7::/64
WEB1_6=2001:db8:113::10 WEB2_6=2001:db8:113::11 WEB3_6=2001:db8:113::12 WEB4_6=2001:db8:113::13
WEB5_6=2001:db8:113::14
PARKING_IP6=2001:db8:113::15   DNS_IP6=2001:db8:113::53       BLOCKPAGE_IP6=2001:db8:113::250
UNLISTED_BLOCKPAGE_IP6=2001:db8:113::251
ISP_RESOLVER6=$ISP_ACCESS6
SERVICE_NET6=2001:db8:113::/48
MASS_PREFIX6=2001:db8:1800::/40
# Names: NAME.lab.test has its IPv4 address only, as always; NAME.v6.lab.test its IPv6 address
# only; NAME.ds.lab.test both (dual stack).
ZONE6=v6.lab.test ZONE_DS=ds.lab.test
ZONE=lab.test
HOSTS=(lan home access isp transit inet vps)

ns() { echo "$LAB-$1"; }
in_ns() { local host=$1; shift; ip netns exec "$(ns "$host")" "$@"; }
say() { printf 'lab %s: %s\n' "$LAB" "$*" >&2; }
die() { say "$*"; exit 1; }

require_root() {
  [ "$(id -u)" = 0 ] || die "the lab needs root (network namespaces, nftables): run it with sudo"
}

# The Java classpath of the lab's own programs (web servers, the RST injector).
lab_classpath() {
  if [ -n "${DETOUR_LAB_CP:-}" ]; then
    echo "$DETOUR_LAB_CP"
    return
  fi
  local cp=$REPO/target/lab.classpath
  if [ ! -s "$cp" ] || [ ! -d "$REPO/target/test-classes/dev/detour/lab" ]; then
    say "building the lab's programs (mvn test-compile)"
    mvn -q -f "$REPO/pom.xml" -Ddetour.prepare.skip=true test-compile \
      dependency:build-classpath -Dmdep.outputFile="$cp" -Dmdep.includeScope=test >&2
  fi
  echo "$REPO/target/test-classes:$REPO/target/classes:$(cat "$cp")"
}

# Starts a program in a namespace in the background, its pid and log kept in $LAB_DIR.
start_daemon() {
  local host=$1 name=$2; shift 2
  ip netns exec "$(ns "$host")" setsid "$@" >"$LAB_DIR/$name.log" 2>&1 </dev/null &
  echo $! >"$LAB_DIR/$name.pid"
}

stop_daemon() {
  local pidfile=$LAB_DIR/$1.pid
  [ -f "$pidfile" ] || return 0
  kill "$(cat "$pidfile")" 2>/dev/null || true
  rm -f "$pidfile"
}

wait_for() {
  local what=$1 tries=$2; shift 2
  for _ in $(seq 1 "$tries"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.1
  done
  die "$what did not come up; see $LAB_DIR/*.log"
}

tcp_open() { in_ns "$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; }

# The isp's censoring rules carry a comment "detour-lab <scenario> <args>" so unblock finds them.
nft_add() {
  local host=$1 chain=$2 tag=$3; shift 3
  in_ns "$host" nft add rule inet censor "$chain" "$@" comment "\"detour-lab $tag\""
}

nft_delete_tagged() {
  local host=$1 tag=$2 chain handle
  for chain in forward prerouting input; do
    in_ns "$host" nft -a list chain inet censor "$chain" 2>/dev/null |
      grep -F "comment \"detour-lab $tag\"" | sed -n 's/.*# handle \([0-9]*\)$/\1/p' |
      while read -r handle; do
        in_ns "$host" nft delete rule inet censor "$chain" handle "$handle"
      done || true
  done
}

# The dynamic set of a per-connection policer (throttle, slow), named after the scenario's words.
policer_set() { echo "policer_$(printf '%s' "$1" | md5sum | cut -c1-10)"; }

# An address's family as nftables spells its match: "ip" or "ip6" (an IPv6 address has a colon).
is_ip6() { [[ $1 == *:* ]]; }
nft_family() { if is_ip6 "$1"; then echo ip6; else echo ip; fi; }
# iptables for IPv4 addresses, ip6tables for IPv6 ones.
xtables() { if is_ip6 "$1"; then echo ip6tables; else echo iptables; fi; }
