#!/usr/bin/env python3
"""Independent reader for tests: checks a users.xlsx with only the standard library.

Usage: check_workbook.py WORKBOOK EXPECTED_NAMES_FILE
The names file holds one expected username per line, in sheet order. Exits 0 when the first
sheet's header row is "username | password_hash | registered_at | last_login", column A below it
holds exactly those names, and no cell is a formula; otherwise prints why and exits 1.
"""
import posixpath
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
HEADER = ["username", "password_hash", "registered_at", "last_login"]


def first_sheet_path(book):
    workbook = ET.fromstring(book.read("xl/workbook.xml"))
    sheet = workbook.find(f"{MAIN}sheets/{MAIN}sheet")
    rel_id = sheet.get(f"{REL}id")
    rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target")
            return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    raise SystemExit(f"no relationship {rel_id}")


def shared_strings(book):
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    root = ET.fromstring(book.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{MAIN}t")) for si in root.iter(f"{MAIN}si")]


def column_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def main():
    workbook_path, names_path = sys.argv[1], sys.argv[2]
    with open(names_path, encoding="utf-8") as names_file:
        expected = [line.rstrip("\n") for line in names_file if line.strip()]
    with zipfile.ZipFile(workbook_path) as book:
        if book.testzip() is not None:
            raise SystemExit("zip CRC error")
        strings = shared_strings(book)
        sheet = ET.fromstring(book.read(first_sheet_path(book)))
    rows = []
    for row in sheet.iter(f"{MAIN}row"):
        cells = {}
        for cell in row.iter(f"{MAIN}c"):
            if cell.find(f"{MAIN}f") is not None:
                raise SystemExit(f"cell {cell.get('r')} is a formula")
            kind = cell.get("t")
            if kind not in ("s", "inlineStr", "str"):
                raise SystemExit(f"cell {cell.get('r')} is not a string cell (t={kind})")
            if kind == "s":
                text = strings[int(cell.find(f"{MAIN}v").text)]
            elif kind == "inlineStr":
                text = "".join(t.text or "" for t in cell.iter(f"{MAIN}t"))
            else:
                text = cell.find(f"{MAIN}v").text or ""
            cells[column_index(cell.get("r"))] = text
        rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
    if not rows or rows[0][:4] != HEADER:
        raise SystemExit(f"bad header row: {rows[0] if rows else None}")
    names = [row[0] for row in rows[1:]]
    if names != expected:
        raise SystemExit(f"names differ: got {names[:5]}... ({len(names)}), "
                         f"expected {expected[:5]}... ({len(expected)})")
    print(f"ok: header and {len(names)} users")


if __name__ == "__main__":
    main()
