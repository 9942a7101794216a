#!/usr/bin/env bash
# opale seance delai: every case of tests/data/seance/delai.cases through the CLI (latest sending
# date, weekday checked with GNU date, article quoted), plus usage errors.
. "$(dirname "$0")/../lib.sh"
CASES=$TOP/tests/data/seance/delai.cases
n=0
while read -r date wd organe pop urg delai exp wdexp frag; do
	case "$date" in ''|'#'*) continue;; esac
	n=$((n+1))
	args=(seance delai --date "$date" --organe "$organe")
	[ "$pop" != - ] && args+=(--population "$pop")
	[ "$urg" = urgence ] && args+=(--urgence)
	[ "$delai" != - ] && args+=(--delai "$delai")
	label="$date $organe pop=$pop $urg delai=$delai"
	[ "$wd" != - ] && eq "$label: the meeting is on weekday $wd (case file sanity)" "$(date -d "$date" +%u)" "$wd"
	out=$("$OPALE" "${args[@]}" 2>&1); rc=$?
	if [ "$exp" = ERR ]; then
		eq "$label: refused" "$rc" 1
		has "$label: error says « $frag »" "$out" "$frag"
		continue
	fi
	eq "$label: exit 0" "$rc" 0
	eq "$label: latest sending date" "$(printf '%s\n' "$out" | sed -n 1p)" "$exp"
	eq "$label: $exp is weekday $wdexp" "$(date -d "$exp" +%u)" "$wdexp"
	has "$label: rule quotes « $frag »" "$(printf '%s\n' "$out" | sed -n 2p)" "$frag"
done <"$CASES"
[ "$n" -ge 40 ] && pass "read $n cases" || fail "only $n cases read"

# The sentence names the weekdays in French.
out=$("$OPALE" seance delai --date 2024-03-15 --organe commune --population 1200)
has "rule names the dates in French" "$out" "séance le vendredi 15 mars 2024, envoi au plus tard le lundi 11 mars 2024"
has "rule explains jours francs" "$out" "Ni le jour de l'envoi ni celui de la séance ne comptent"
out=$("$OPALE" seance delai --date 2024-03-15 --organe departement --population 0)
has "départements: days, not jours francs" "$out" "non francs"

# Usage errors.
"$OPALE" seance delai --organe commune --population 3 >/dev/null 2>&1; eq "no --date: usage, exit 2" "$?" 2
"$OPALE" seance >/dev/null 2>&1; eq "no subcommand: exit 2" "$?" 2
out=$("$OPALE" seance delai --date 2024-03-15 --organe mairie --population 3 2>&1)
has "unknown organe is named" "$out" "organe « mairie » inconnu"
ko "population must be a number" "$OPALE" seance delai --date 2024-03-15 --organe commune --population 12a
ko "population must not be negative" "$OPALE" seance delai --date 2024-03-15 --organe commune --population -5
ko "date format is strict" "$OPALE" seance delai --date 15/03/2024 --organe commune --population 5
ko "delai must be a number" "$OPALE" seance delai --date 2024-03-15 --organe commission --delai x
t_done
