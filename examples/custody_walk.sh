#!/usr/bin/env bash
# The chain-of-custody walk against a running `smartborder serve`: a shipper declares a sealed
# trailer of steel coils from a plant in Apodaca (Nuevo León) to the Laredo port of entry, seals it
# at the plant, the carrier departs and its device reports positions — first on the planned route,
# then 5 km off it — and the custody status turns suspect with the evidence.
# The journey is made up (times are the last quarter hour); nothing here is real data.
#
#   SB=http://127.0.0.1:8000 SHIPPER=$(cat shipper.token) CARRIER=$(cat carrier.token) \
#     OFFICER=$(cat officer.token) examples/custody_walk.sh
set -euo pipefail
SB=${SB:-http://127.0.0.1:8000}
json() {  # curl with a JSON body; on an HTTP error, print the service's answer and stop
  local out
  out=$(curl -sS --fail-with-body -H "content-type: application/json" "$@") || { echo "error: $out" >&2; return 1; }
  printf '%s' "$out"
}
field() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
at() { date -u -d "@$(( T0 + $1 * 60 ))" +%Y-%m-%dT%H:%M:%SZ; }   # minutes after T0, ISO 8601 UTC
T0=$(( $(date +%s) - 15 * 60 ))
curl -sf "$SB/health" > /dev/null || { echo "no smartborder service at $SB: start one with 'smartborder serve'" >&2; exit 1; }

echo "1. declare (shipper)"
SHIPMENT=$(json -H "Authorization: Bearer $SHIPPER" -X POST "$SB/shipments" -d '{
  "consignor": "Aceros del Norte SA de CV", "consignee": "Gulf Fabrication LLC", "carrier_org": "transnorte",
  "container_id": "CSQU3054383", "seal_number": "TYD1234567", "seal_class": "H",
  "goods_description": "hot-rolled steel coils", "goods_value_usd": "182500.00",
  "origin": {"facility_id": "MX-NL-0042", "name": "Apodaca plant", "lat": 25.78, "lon": -100.19,
             "audit_status": "certified"},
  "route": {"type": "LineString", "coordinates": [[-100.19, 25.78], [-100.0, 26.4], [-99.75, 27.0], [-99.507, 27.5]]},
  "destination_port": "2304", "expected_transit_min": 240}' | field '["id"]')
echo "   shipment $SHIPMENT"

event() {  # bizStep, minutes after T0, lat, lon, extra JSON members
  printf '{"type": "ObjectEvent", "eventTime": "%s", "eventTimeZoneOffset": "+00:00", "action": "OBSERVE",
   "epcList": ["urn:epc:id:giai:0614141.TRAILER42"], "bizStep": "%s", "readPoint": {"id": "geo:%s,%s"}%s}' \
   "$(at "$2")" "$1" "$3" "$4" "${5:-}"
}
echo "2. seal at the plant (shipper), an EPCIS 2.0 sealing event with the ISO 17712 seal number"
json -H "Authorization: Bearer $SHIPPER" -X POST "$SB/shipments/$SHIPMENT/events" \
     -d "$(event sealing 0 25.78 -100.19 ', "sb:sealNumber": "TYD1234567"')" | field '["custody_status"]'
echo "3. depart (carrier)"
json -H "Authorization: Bearer $CARRIER" -X POST "$SB/shipments/$SHIPMENT/events" \
     -d "$(event departing 2 25.78 -100.19)" | field '["phase"]'

echo "4. GPS pings: 8 minutes on the route, then 5 km east of it"
PINGS=$(python3 - "$T0" <<'PY'
import datetime as dt, json, sys
t0 = dt.datetime.fromtimestamp(int(sys.argv[1]), dt.UTC)
pings = []
for k in range(1, 13):
    f = 0.015 * k                                   # along the first leg, Apodaca → (26.4, -100.0)
    lat, lon = 25.78 + 0.62 * f, -100.19 + 0.19 * f
    if k > 8:
        lon += 0.05                                 # the detour
    pings.append({"at": (t0 + dt.timedelta(minutes=2 + k)).isoformat(), "lat": round(lat, 5), "lon": round(lon, 5)})
print(json.dumps({"device_id": "tn-unit-0042", "pings": pings}))
PY
)
json -H "Authorization: Bearer $CARRIER" -X POST "$SB/shipments/$SHIPMENT/pings" -d "$PINGS" \
  | python3 -c "import json,sys; r=json.load(sys.stdin); print('  ', r['accepted'], 'pings stored; custody', r['custody_status'])"

echo "5. the custody status, as an officer sees it"
curl -sS -H "Authorization: Bearer $OFFICER" "$SB/shipments/$SHIPMENT/custody" | python3 -m json.tool
