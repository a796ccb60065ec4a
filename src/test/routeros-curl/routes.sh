#!/usr/bin/env bash
# The RouterOS REST manual's own curl examples (help.mikrotik.com, "REST API"), one by one, on
# /ip/route where the manual uses /ip/address. Only the base URL and the login are parameters:
#
#   routes.sh http://127.0.0.1:PORT USER PASSWORD
#
# After each request it prints one line, "STEP STATUS BODY" (the body with its newlines taken out),
# and waits for a line on standard input before the next, so that whoever runs it can look at the
# router in between. It sends nothing anywhere but the base URL.
set -euo pipefail

base=$1
user=$2
password=$3
id=

step() {
  local name=$1 out status
  shift
  out=$(mktemp)
  status=$(curl -k -sS --max-time 10 -u "$user:$password" -o "$out" -w '%{http_code}' "$@") || status=000
  printf '%s %s %s\n' "$name" "$status" "$(tr -d '\n' < "$out")"
  id=$(sed -n 's/.*"\.id":"\([^"]*\)".*/\1/p' "$out")
  rm -f "$out"
  read -r _ || exit 0
}

# "curl -k -u admin: https://10.155.101.214/rest/system/resource"
step resource "$base/rest/system/resource"

# PUT creates a record and answers it: the manual's
# "curl -k -u admin: -X PUT https://10.155.101.214/rest/ip/address --data '{"address": ...,
# "interface": "dummy"}' -H "content-type: application/json""
step put -X PUT "$base/rest/ip/route" \
  --data '{"dst-address": "10.55.0.0/16", "gateway": "gre-tunnel1", "comment": "curl"}' \
  -H "content-type: application/json"
first=$id
step put-second -X PUT "$base/rest/ip/route" \
  --data '{"dst-address": "10.56.0.0/16", "gateway": "gre-tunnel1", "distance": "5", "comment": "curl"}' \
  -H "content-type: application/json"

# "curl -k -u admin: https://10.155.101.214/rest/ip/address"
step list "$base/rest/ip/route"

# "curl -k -u admin: https://10.155.101.214/rest/ip/address/*1"
step get "$base/rest/ip/route/$first"

# "curl -k -u admin: "https://10.155.101.214/rest/ip/address?network=10.155.101.0&dynamic=true""
step filter "$base/rest/ip/route?comment=curl&distance=5"

# "curl -k -u admin: https://10.155.101.214/rest/ip/address?.proplist=address,disabled"
step proplist "$base/rest/ip/route?.proplist=dst-address,gateway&comment=curl"

# POST print with .proplist and .query: the manual's "curl -k -u admin: -X POST
# https://10.155.101.214/rest/interface/print --data '{".proplist": ["name","type"], ".query":
# ["type=ether","type=vlan","#|!"]}' -H "content-type: application/json""
step query -X POST "$base/rest/interface/print" \
  --data '{".proplist": ["name","type"], ".query": ["type=ether","type=vlan","#|!"]}' \
  -H "content-type: application/json"
step query-routes -X POST "$base/rest/ip/route/print" \
  --data '{".proplist": ["dst-address","distance"], ".query": ["comment=curl","distance=5","#!","#&"]}' \
  -H "content-type: application/json"

# PATCH changes a record and answers it: "curl -k -u admin: -X PATCH
# https://10.155.101.214/rest/ip/address/*3 --data '{"comment": "test"}' -H "content-type:
# application/json""
step patch -X PATCH "$base/rest/ip/route/$first" \
  --data '{"gateway": "192.0.2.1", "distance": "3"}' \
  -H "content-type: application/json"

# DELETE removes a record and answers nothing: "curl -k -u admin: -X DELETE
# https://10.155.101.214/rest/ip/address/*9"; the same again is an error object.
step delete -X DELETE "$base/rest/ip/route/$first"
step delete-again -X DELETE "$base/rest/ip/route/$first"

# A refused change: the error object with the router's reason in "detail".
step put-duplicate -X PUT "$base/rest/ip/route" \
  --data '{"dst-address": "10.56.0.0/16", "gateway": "gre-tunnel1"}' \
  -H "content-type: application/json"

# The wrong password.
user=nobody
step unauthorized "$base/rest/ip/route"
