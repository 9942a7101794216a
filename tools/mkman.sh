#!/usr/bin/env bash
# mkman.sh BIN > opale.1 — the man page generated from the CLI's own help (`opale help`).
set -eu
BIN=$1
VERSION=$("$BIN" version | awk '{print $2}')
cat <<HDR
.TH OPALE 1 "$(date -u +%Y-%m-%d)" "opale $VERSION" "Opale"
.SH NOM
opale \- plateforme d'e-administration des collectivit\['e]s
.SH SYNOPSIS
.B opale
.I COMMANDE
[\fIOPTIONS\fR]
.SH DESCRIPTION
Opale conduit un acte de sa r\['e]daction \[`a] son caract\[`e]re ex\['e]cutoire : parapheur, t\['e]l\['e]transmission,
s\['e]ances, publication. La configuration est d\['e]crite dans /usr/share/doc/opale/configuration.md.
.SH COMMANDES
HDR
"$BIN" help | awk 'NR>5 && NF { if ($0 ~ /^  [a-z]/) { name=$1; $1=""; sub(/^ /,""); printf ".TP\n.B %s\n%s\n", name, $0 } else { sub(/^ +/,""); printf ".br\n%s\n", $0 } }' | sed 's/-/\\-/g'
cat <<'FTR'
.SH FICHIERS
/etc/opale/opale.conf, /var/lib/opale
.SH SIGNAUX
SIGTERM : arr\[^e]t propre (fin des requ\[^e]tes et t\[^a]ches en cours). SIGHUP : relecture de la configuration.
FTR
