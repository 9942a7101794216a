#!/usr/bin/env python3
"""p3_smaps.py PID [-v] — where a process's resident memory is (docs/performance.md, P3): the RSS and PSS of
every mapping of /proc/PID/smaps summed by file, then by library group; -v lists every file."""
import collections
import re
import sys

GROUPS = [
    ("rendering: cairo, pango, gobject/gio, harfbuzz, fontconfig, freetype, pixman, X11/xcb, png, poppler, "
     "xlsxwriter and their dependencies (plugin opale-rendu.so)",
     r"cairo|pango|gobject|gio-|gmodule|harfbuzz|fontconfig|freetype|pixman|libX|xcb|png|poppler|xlsxwriter|"
     r"minizip|graphite|fribidi|thai|datrie|lcms|openjp|tiff|expat|libmount|libblkid|libselinux|libuuid|"
     r"libdeflate|libjbig|libwebp|libLerc|libsharpyuv|libnss|libnspr|libplc|libplds|libsmime|libbsd|libmd\.|"
     r"opale-rendu"),
    ("glib + pcre2 (search folding)", r"libglib|pcre2"),
    ("qpdf + libstdc++, libgcc_s, libjpeg", r"qpdf|libstdc|libgcc_s|libjpeg"),
    ("GnuTLS + nettle, gmp, p11-kit, unistring, tasn1, ffi", r"gnutls|nettle|hogweed|gmp|p11|unistring|tasn1|libffi"),
    ("libcurl + ssh2, nghttp2, rtmp, psl, idn2, brotli, zstd", r"curl|ssh|nghttp|rtmp|psl|idn2|zstd|brotli"),
    ("libpq + Kerberos, LDAP, SASL", r"libpq|krb|gssapi|k5crypto|com_err|keyutils|ldap|lber|sasl"),
    ("libxml2 + ICU, lzma", r"libxml2|icu|xmlsec|xslt|lzma"),
    ("libarchive + acl, lz4, bz2", r"archive|libacl|lz4|bz2|libattr"),
    ("libcrypto, libssl", r"libcrypto|libssl"),
    ("libc, libm, ld.so", r"libc\.so|libm\.so|ld-linux"),
    ("SQLite", r"sqlite"),
    ("the opale executable", r"^opale$"),
    ("heap, thread arenas and stacks (anonymous)", r"^\[|^$"),
]


def main():
    pid = sys.argv[1]
    rss, pss = collections.Counter(), collections.Counter()
    cur = None
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            m = re.match(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$", line)
            if m:
                cur = m.group(1).strip() or "[anon]"
            elif line.startswith("Rss:"):
                rss[cur] += int(line.split()[1])
            elif line.startswith("Pss:"):
                pss[cur] += int(line.split()[1])
    seen = set()
    rows = []
    for name, pat in GROUPS:
        keys = [k for k in rss if k not in seen and re.search(pat, k.rsplit("/", 1)[-1] if k.startswith("/") else k)]
        seen.update(keys)
        rows.append((name, keys))
    rows.append(("the rest: " + ", ".join(sorted(k.rsplit("/", 1)[-1] for k in rss if k not in seen)),
                 [k for k in rss if k not in seen]))
    libs = sum(1 for k in rss if ".so" in k)
    print(f"RSS {sum(rss.values()) / 1024:.1f} MB, PSS {sum(pss.values()) / 1024:.1f} MB, {libs} shared objects mapped")
    print("| group | RSS | PSS | files |\n|---|---|---|---|")
    for name, keys in rows:
        print(f"| {name} | {sum(rss[k] for k in keys) / 1024:.1f} MB | {sum(pss[k] for k in keys) / 1024:.1f} MB | {len(keys)} |")
    if "-v" in sys.argv[2:]:
        for k, v in rss.most_common():
            print(f"{v:8d} kB RSS {pss[k]:8d} kB PSS  {k}")


if __name__ == "__main__":
    main()
