#!/usr/bin/env bash
# Takes docs/asynqmon.png: Asynqmon at /monitoring/ on Tandem's own
# listener, over Tandem's queues with jobs in several states, in headless
# Chromium. Installs nothing: it needs Debian's chromium
# (apt-get install -y chromium, as root), curl and Go.
#
#   scripts/asynqmon-screenshot.sh [output.png]
#
# It runs `tandem run` in sandbox mode (embedded Redis, both sandboxes)
# on TANDEM_ADDR (default 127.0.0.1:18080), closes seeded deals, posts
# Outbound Messages for deleted opportunities (their jobs fail for good
# and are archived), pauses sf_to_ns and closes more deals (their jobs
# stay pending), then photographs the dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-docs/asynqmon.png}
addr=${TANDEM_ADDR:-127.0.0.1:18080}
base="http://$addr"
token=tandem-sandbox-admin # sandbox mode's admin token
org=00D5e000000TNDMEA4     # the Salesforce sandbox's org
sf="$base/sandbox/salesforce/services/data/v62.0"
sales_user='00D5e000000TNDM!demo.sales.user.token'

chromium=${CHROMIUM:-$(command -v chromium || true)}
if [ -z "$chromium" ]; then
	echo "needs Debian's chromium: apt-get install -y chromium (as root)" >&2
	exit 1
fi

work=$(mktemp -d)
tandem_pid=
cleanup() {
	if [ -n "$tandem_pid" ]; then kill "$tandem_pid" 2>/dev/null && wait "$tandem_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/tandem" ./cmd/tandem
env -u REDIS_URL TANDEM_ADDR="$addr" TANDEM_LOG_FORMAT=json "$work/tandem" run >"$work/tandem.log" 2>&1 &
tandem_pid=$!
for _ in $(seq 100); do curl -fsS "$base/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "$base/readyz" >/dev/null || { cat "$work/tandem.log" >&2; exit 1; }

# open_deals N prints the ids of N open seeded opportunities.
open_deals() {
	curl -fsS -G "$sf/query" -H "Authorization: Bearer $sales_user" \
		--data-urlencode "q=SELECT Id FROM Opportunity WHERE IsClosed = false ORDER BY Name LIMIT $1" |
		grep -o '"Id":"006[A-Za-z0-9]*"' | cut -d'"' -f4
}

close_won() {
	curl -fsS -X PATCH "$sf/sobjects/Opportunity/$1" -H "Authorization: Bearer $sales_user" \
		-H 'Content-Type: application/json' -d '{"StageName":"Closed Won"}'
}

# outbound_message NOTIFICATION_ID OPPORTUNITY_ID posts what Salesforce
# sends for a won opportunity.
outbound_message() {
	curl -fsS -o /dev/null "$base/webhooks/salesforce/outbound" -H 'Content-Type: text/xml; charset=utf-8' --data-binary @- <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
 <soapenv:Body>
  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">
   <OrganizationId>$org</OrganizationId>
   <ActionId>04k5e000000TNDMAAW</ActionId>
   <SessionId xsi:nil="true"/>
   <EnterpriseUrl>$base/services/Soap/c/62.0/${org:0:15}</EnterpriseUrl>
   <PartnerUrl>$base/services/Soap/u/62.0/${org:0:15}</PartnerUrl>
   <Notification>
    <Id>$1</Id>
    <sObject xsi:type="sf:Opportunity" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">
     <sf:Id>$2</sf:Id>
     <sf:IsWon>true</sf:IsWon>
    </sObject>
   </Notification>
  </notifications>
 </soapenv:Body>
</soapenv:Envelope>
EOF
}

monitoring() { curl -fsS -u "ops:$token" "$@"; }

# settle waits until no job of Tandem's is pending, running or retrying.
settle() {
	for _ in $(seq 150); do
		if ! monitoring "$base/monitoring/api/queues" | grep -Eq '"(active|pending|retry)":[1-9]'; then return; fi
		sleep 0.2
	done
}

deals=$(open_deals 6)
for id in $(echo "$deals" | head -4); do close_won "$id"; done
for n in 1 2 3; do outbound_message "04l5e00000DEL0${n}AAA" "0065e00000DELET${n}AAA"; done
settle
monitoring -X POST "$base/monitoring/api/queues/sf_to_ns:pause" >/dev/null
for id in $(echo "$deals" | tail -2); do close_won "$id"; done
for n in 4 5; do outbound_message "04l5e00000DEL0${n}AAA" "0065e00000DELET${n}AAA"; done
sleep 1

mkdir -p "$(dirname "$out")"
shot=$(realpath -m "$out")
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$work/chromium" --window-size=1440,820 --hide-scrollbars \
	--virtual-time-budget=8000 --screenshot="$shot" "http://ops:$token@$addr/monitoring/" 2>"$work/chromium.log" ||
	{ cat "$work/chromium.log" >&2; exit 1; }
echo "wrote $out"
