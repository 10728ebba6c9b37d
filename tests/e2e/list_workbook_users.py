#!/usr/bin/env python3
"""Prints the usernames in a users.xlsx, one per line, read independently of NetDisk's own
reader (standard library only; the parsing lives in tests/storage/check_workbook.py).

Usage: list_workbook_users.py WORKBOOK
"""
import os
import sys
import zipfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "storage"))
import check_workbook as book_format  # noqa: E402


def main():
    with zipfile.ZipFile(sys.argv[1]) as book:
        if book.testzip() is not None:
            raise SystemExit("zip CRC error")
        strings = book_format.shared_strings(book)
        sheet = ET.fromstring(book.read(book_format.first_sheet_path(book)))
    main_ns = book_format.MAIN
    for index, row in enumerate(sheet.iter(f"{main_ns}row")):
        first = next(iter(row.iter(f"{main_ns}c")), None)
        if index == 0 or first is None:
            continue
        kind = first.get("t")
        if kind == "s":
            print(strings[int(first.find(f"{main_ns}v").text)])
        elif kind == "inlineStr":
            print("".join(t.text or "" for t in first.iter(f"{main_ns}t")))
        else:
            print(first.find(f"{main_ns}v").text or "")


if __name__ == "__main__":
    main()
