#!/usr/bin/env bash
# The sample Prometheus alert rules (packaging/prometheus-opale.rules.yml): valid YAML with the rule
# fields Prometheus requires, and every opale_* metric (and label value) they use is really served
# by a running server's /metrics — an alert on a metric that does not exist never fires.
. "$(dirname "$0")/../lib.sh"
R=$TOP/packaging/prometheus-opale.rules.yml
out=$(/usr/bin/python3 - "$R" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
n = 0
for g in doc["groups"]:
    assert g["name"]
    for r in g["rules"]:
        assert r["alert"] and r["expr"] and r["labels"]["severity"] in ("critical", "warning"), r
        assert r["annotations"]["summary"], r
        n += 1
print(n)
PY
)
ok "the rules file parses, every rule has alert, expr, severity and summary ($out rules)" test "${out:-0}" -ge 5
start_server "$T_TMP/d" || fail "server starts"
curl -s "$SRV_URL/healthz" >/dev/null
metrics=$(curl -s "$SRV_URL/metrics")
missing=""
for m in $(grep -o 'opale_[a-z][a-z_]*' "$R" | sort -u); do
	grep -q "^$m[{ ]" <<<"$metrics" || missing="$missing $m"
done
eq "every opale_* metric of the rules is served by /metrics" "${missing:-none}" none
for sel in 'opale_http_requests_total{class="5xx"}' 'opale_jobs{state="dead"}' 'opale_actes_transmissions{state="erreur"}' \
	'opale_helios_files{state="refuse"}' 'opale_mail_attempts_total{outcome="refused"}' 'opale_mail_queue{state="dead"}'; do
	has "series $sel exists" "$metrics" "$sel"
done
t_done
