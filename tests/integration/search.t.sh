#!/usr/bin/env bash
# Search through the real server with the demo data, on the engine under test: the demo's parapheur
# folder and acts are found by a folded prefix of its title, through the API and the page; roles that cannot read
# folders do not find it; a query without words is a 400 with its code; anonymous callers are refused.
. "$(dirname "$0")/../lib.sh"
D=$T_TMP/data
start_server "$D" || { fail "server starts"; t_done; exit; }
"$OPALE" demo $SRV_ARGS >/dev/null || fail "demo"
login() { # login → cookie jar $T_TMP/$1.jar
	curl -s -c "$T_TMP/$1.jar" -H 'Content-Type: application/json' -d "{\"login\":\"$1\",\"password\":\"Opale-Demo-2024!\"}" \
		"$SRV_URL/api/v1/session" >/dev/null
}
get() { curl -s -b "$T_TMP/$1.jar" -w '\n%{http_code}' "$SRV_URL$2"; }
login ccpo.agent; login ccpo.secretaire; login ccpo.elu
out=$(get ccpo.agent "/api/v1/recherche?q=%C3%89-ADMIN+cdg")
eq "agent: 200" "$(echo "$out" | tail -1)" 200
has "agent: the demo folder is found by folded prefixes" "$out" '"titre":"Convention e-administration CDG 62"'
has "with its page" "$out" '"url":"/parapheur/dossiers/'
out=$(get ccpo.agent "/api/v1/recherche?q=2024_041&type=acte")
has "the demo act is found by its number" "$out" '"titre":"2024_041 — Adhésion au service e-administration du CDG 62"'
has "with its page" "$out" '"url":"/actes/'
out=$(get ccpo.agent "/api/v1/recherche?q=ADHESION+cdg")
has "and by words of its object, accents folded" "$out" '"type":"acte"'
out=$(get ccpo.agent "/recherche?q=e-administration")
eq "page: 200" "$(echo "$out" | tail -1)" 200
has "page: a link to the folder" "$out" '>Convention e-administration CDG 62</a>'
has "page: the type" "$out" 'Dossier du parapheur'
out=$(get ccpo.secretaire "/api/v1/recherche?q=cdg")
eq "secrétaire de séance: 200" "$(echo "$out" | tail -1)" 200
has "sees the acts" "$out" '"type":"acte"'
eq "but no parapheur folder among the results" "$(echo "$out" | grep -c '"type":"dossier"')" 0
has "the séance whose agenda names the CDG is found" "$out" '"type":"seance"'
out=$(get ccpo.agent "/api/v1/recherche?q=%C2%AB+%C2%BB")
eq "no words: 400" "$(echo "$out" | tail -1)" 400
has "with its code" "$out" '"code":"recherche.vide"'
eq "an élu (portal only): 403" "$(get ccpo.elu "/api/v1/recherche?q=cdg" | tail -1)" 403
eq "anonymous: 401" "$(curl -s -o /dev/null -w '%{http_code}' "$SRV_URL/api/v1/recherche?q=cdg")" 401
t_done
