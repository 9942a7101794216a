#!/usr/bin/env bash
# The Debian package: `make deb`, then installed with dpkg -i into a throw-away root — an overlay of this
# machine's root in a private mount namespace, so the real system is never touched — where we check
# /usr/bin/opale, the conffile /etc/opale/opale.conf (root:opale 0640), the `opale` system user and its
# data directory, `systemd-analyze verify` of the unit, `man -l` of the page; the binary started as the
# unit would (user opale, OPALE_CONFIG, migrate then serve) answers /healthz; remove keeps the conffile,
# purge drops it. Depends: every library the binary or the rendering plugin (/usr/lib/opale/opale-rendu.so)
# needs (DT_NEEDED) belongs to a listed package; a visible signature made with the installed binary.
# A clean Debian 12 (debootstrap) install is documented in docs/operations.md (needs the network).
. "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" != 0 ] || ! unshare -m true 2>/dev/null; then
	echo "ok - # SKIP needs root and unshare for the throw-away root"
	exit 0
fi
if [ "${BUILD:-build/rel}" != build/rel ]; then
	echo "ok - # SKIP package test on the release build only"
	exit 0
fi
ok "make deb" make -s -C "$TOP" deb
DEB=$(ls "$TOP"/build/opale_*_amd64.deb | tail -1)
ok "the package file exists" test -s "$DEB"
deps=$(dpkg-deb -f "$DEB" Depends)

# Every library the binary asks for (DT_NEEDED) is provided by a package of Depends. Checked here
# independently of dpkg-shlibdeps: ldconfig resolves the name, dpkg -S names its package (merged /usr:
# dpkg may record /lib/… or /usr/lib/…).
X=$T_TMP/x; mkdir -p "$X"; dpkg-deb -x "$DEB" "$X"
ok "the rendering plugin is installed in /usr/lib/opale" test -s "$X/usr/lib/opale/opale-rendu.so"
missing=""
for so in $(objdump -p "$X/usr/bin/opale" "$X/usr/lib/opale/opale-rendu.so" | awk '$1 == "NEEDED" {print $2}' | sort -u); do
	path=$(ldconfig -p | awk -v n="$so" '$1 == n && /x86-64/ {print $NF; exit}')
	real=$(readlink -f "$path")
	pkg=""
	for c in "$path" "/usr$path" "${path#/usr}" "$real" "/usr$real" "${real#/usr}"; do
		pkg=$(dpkg -S "$c" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$pkg" ] && break
	done
	case ", $deps," in *", $pkg "*|*", $pkg,"*) ;; *) missing="$missing $so($pkg)";; esac
done
eq "every library needed by the binary or the plugin is in Depends" "${missing:-none}" none

# A visible signature inside the throw-away root: the installed binary finds the plugin in /usr/lib/opale.
P=$T_TMP/pki
bash "$TOP/tests/sign/pki.sh" "$P" >/dev/null 2>&1 || fail "test PKI generated"
"$TOP/build/rel/peers/mkpdf" "$T_TMP/in.pdf" --tag '#signature#' >/dev/null 2>&1 || fail "mkpdf"
M=$T_TMP/root; mkdir -p "$M" "$T_TMP/up" "$T_TMP/work"
cp "$DEB" "$T_TMP/opale.deb"
PORT=$(free_port)
cat > "$T_TMP/inner.sh" <<EOF
set -u
M=$M
mount -t overlay overlay -o lowerdir=/,upperdir=$T_TMP/up,workdir=$T_TMP/work \$M || { echo "R mount failed"; exit 3; }
mount --bind /proc \$M/proc; mount --bind /dev \$M/dev
mkdir -p \$M/run/opale-test && mount -t tmpfs tmpfs \$M/run/opale-test
cp $T_TMP/opale.deb $P/user.p12 $P/pass.txt $T_TMP/in.pdf \$M/run/opale-test/
inr() { chroot \$M "\$@"; }
# Anything left from an earlier install would hide a packaging bug.
inr sh -c 'dpkg-query -W opale >/dev/null 2>&1 || getent passwd opale >/dev/null || test -e /etc/opale' && echo "R preexisting yes"
inr dpkg -i /run/opale-test/opale.deb > $T_TMP/dpkg.log 2>&1; echo "R dpkg \$?"
echo "R status \$(inr dpkg-query -W -f='\${Status}' opale)"
echo "R version \$(inr /usr/bin/opale version)"
echo "R conf \$(inr stat -c '%U:%G %a' /etc/opale/opale.conf)"
echo "R datadir \$(inr stat -c '%U:%G %a' /var/lib/opale)"
echo "R user \$(inr getent passwd opale | cut -d: -f3,6,7)"
echo "R conffiles \$(inr dpkg-query -W -f='\${Conffiles}' opale | awk '{print \$1}')"
inr systemd-analyze verify /lib/systemd/system/opale.service > $T_TMP/verify.log 2>&1; echo "R verify \$?"
inr env MANWIDTH=100 man -l /usr/share/man/man1/opale.1.gz 2>$T_TMP/man.err | col -b > $T_TMP/man.txt; echo "R man \$?"
# As the unit does: user opale, OPALE_CONFIG, ExecStartPre=migrate, ExecStart=serve.
as_opale() { inr setpriv --reuid=opale --regid=opale --init-groups -- env -i PATH=/usr/bin:/bin OPALE_CONFIG=/etc/opale/opale.conf "\$@"; }
as_opale /usr/bin/opale migrate > $T_TMP/migrate.log 2>&1; echo "R migrate \$?"
inr /usr/bin/opale sign pades --p12 /run/opale-test/user.p12 --password-file /run/opale-test/pass.txt --tag '#signature#' /run/opale-test/in.pdf /run/opale-test/vis.pdf \
	> $T_TMP/stamp.log 2>&1; echo "R stamp \$?"
echo "R stamptext \$(inr pdftotext /run/opale-test/vis.pdf - 2>/dev/null | grep -c 'Signé électroniquement par')"
# chroot, setpriv and env each exec the next: \$! is the server itself.
chroot \$M setpriv --reuid=opale --regid=opale --init-groups -- env -i PATH=/usr/bin:/bin OPALE_CONFIG=/etc/opale/opale.conf \
	OPALE_LISTEN=127.0.0.1:$PORT /usr/bin/opale serve > $T_TMP/serve.log 2>&1 &
pid=\$!
h=""
for _ in \$(seq 1 100); do h=\$(curl -sf http://127.0.0.1:$PORT/healthz) && break; sleep 0.05; done
echo "R healthz \$h"
echo "R dbowner \$(inr stat -c '%U' /var/lib/opale/opale.db)"
kill -TERM \$pid; wait \$pid; echo "R stop \$?"
inr dpkg -r opale > $T_TMP/remove.log 2>&1; echo "R remove \$?"
echo "R after_remove \$(inr sh -c 'test -e /usr/bin/opale && echo bin; test -e /etc/opale/opale.conf && echo conf')"
inr dpkg --purge opale > $T_TMP/purge.log 2>&1; echo "R purge \$?"
echo "R after_purge \$(inr sh -c 'test -e /etc/opale/opale.conf && echo conf; dpkg-query -W opale 2>/dev/null')"
umount \$M/run/opale-test \$M/dev \$M/proc \$M
EOF
unshare -m --propagation private bash "$T_TMP/inner.sh" > "$T_TMP/r" 2>&1
r() { sed -n "s/^R $1 //p" "$T_TMP/r" | head -1; }
[ -n "$(r dpkg)" ] || fail "throw-away root" "$(head -5 "$T_TMP/r")"
eq "nothing from an earlier install in the throw-away root" "$(r preexisting)" ""
eq "dpkg -i installs the package" "$(r dpkg)" 0
[ "$(r dpkg)" = 0 ] || echo "# $(tail -5 "$T_TMP/dpkg.log")"
eq "dpkg records it installed" "$(r status)" "install ok installed"
has "/usr/bin/opale runs" "$(r version)" "opale "
eq "/etc/opale/opale.conf root:opale 0640" "$(r conf)" "root:opale 640"
eq "/etc/opale/opale.conf is a conffile" "$(r conffiles)" "/etc/opale/opale.conf"
uid=$(r user | cut -d: -f1)
eq "the opale system user: home /var/lib/opale, no shell" "$(r user | cut -d: -f2,3)" "/var/lib/opale:/usr/sbin/nologin"
ok "its uid is a system one ($uid)" test "${uid:-1000}" -lt 1000
eq "/var/lib/opale opale:opale 0750" "$(r datadir)" "opale:opale 750"
eq "systemd-analyze verify accepts the unit" "$(r verify)" 0
[ "$(r verify)" = 0 ] || echo "# $(head -5 "$T_TMP/verify.log")"
eq "man -l renders the page" "$(r man)" 0
has "the page lists the commands" "$(cat "$T_TMP/man.txt")" "backup"
has "and the signals" "$(cat "$T_TMP/man.txt")" "SIGHUP"
eq "opale migrate as the opale user with /etc/opale/opale.conf" "$(r migrate)" 0
eq "a visible signature with the installed binary (plugin from /usr/lib/opale)" "$(r stamp)" 0
[ "$(r stamp)" = 0 ] || echo "# $(tail -3 "$T_TMP/stamp.log")"
eq "… its stamp is drawn" "$(r stamptext)" 1
has "opale serve as the unit starts it answers /healthz" "$(r healthz)" '"status":"ok"'
eq "the database is created by and for the opale user" "$(r dbowner)" opale
eq "SIGTERM stops it cleanly" "$(r stop)" 0
eq "dpkg -r" "$(r remove)" 0
eq "remove drops the binary, keeps the conffile" "$(r after_remove)" conf
eq "dpkg --purge" "$(r purge)" 0
eq "purge drops the conffile" "$(r after_purge)" ""
t_done
