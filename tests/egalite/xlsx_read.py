#!/usr/bin/env python3
"""Reads an .xlsx back with the standard library only (zipfile + xml): prints every non-empty row as
« sheet<TAB>cell<TAB>cell… », shared strings resolved, numbers as stored. Exit 1 when the package is
not a well-formed workbook (missing part, sheet without its XML, chart not referenced)."""
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}

z = zipfile.ZipFile(sys.argv[1])
if z.testzip() is not None:
    sys.exit("corrupt zip member")
names = set(z.namelist())
for part in ("[Content_Types].xml", "xl/workbook.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels"):
    if part not in names:
        sys.exit(f"missing {part}")
for n in names:
    if n.endswith(".xml") or n.endswith(".rels"):
        ET.fromstring(z.read(n))   # every part is well-formed XML
strings = []
if "xl/sharedStrings.xml" in names:
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
        strings.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")).findall("rel:Relationship", NS)}
wb = ET.fromstring(z.read("xl/workbook.xml"))
for sh in wb.find("m:sheets", NS).findall("m:sheet", NS):
    target = "xl/" + rels[sh.get("{%s}id" % NS["r"])].lstrip("/").removeprefix("xl/")
    if target not in names:
        sys.exit(f"sheet {sh.get('name')}: {target} missing")
    for row in ET.fromstring(z.read(target)).iter("{%s}row" % NS["m"]):
        cells = []
        for c in row.findall("m:c", NS):
            v = c.find("m:v", NS)
            if v is None:
                cells.append("")
            elif c.get("t") == "s":
                cells.append(strings[int(v.text)])
            else:
                cells.append(v.text)
        if any(cells):
            print(sh.get("name") + "\t" + "\t".join(cells))
