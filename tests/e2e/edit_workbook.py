#!/usr/bin/python3
"""Edits or reads a users.xlsx the way an administrator's spreadsheet program would, with
openpyxl (a third-party writer, not NetDisk's own). Run it with /usr/bin/python3, which has
python3-openpyxl. Rows are found by the username in column A (exact case).

Usage:
  edit_workbook.py BOOK add-row NAME HASH_OF   a row for NAME with the password hash of HASH_OF
  edit_workbook.py BOOK rename OLD NEW         change the username OLD to NEW
  edit_workbook.py BOOK set-date NAME COLUMN ISO [FORMAT]
                                               a real date cell (a datetime, number format
                                               FORMAT or openpyxl's default) in COLUMN
  edit_workbook.py BOOK set-number NAME COLUMN NUMBER
                                               a plain number (no date format) in COLUMN
  edit_workbook.py BOOK set-text NAME COLUMN TEXT
                                               a text cell in COLUMN
  edit_workbook.py BOOK get NAME COLUMN        prints "date ISO" or "text VALUE" or "empty"
  edit_workbook.py BOOK delete-row NAME        removes NAME's row (the rows below move up)
  edit_workbook.py BOOK add-column HEADER NAME VALUE
                                               a new column right of the others, 25 wide,
                                               with HEADER and VALUE in NAME's row
  edit_workbook.py BOOK add-sheet TITLE TEXT   a second sheet with TEXT in A1
  edit_workbook.py BOOK column-of HEADER       prints the letter of the column named HEADER
  edit_workbook.py BOOK describe               prints the sheet names and, for the users
                                               sheet, each column's header and width
"""
import datetime
import sys

import openpyxl
import openpyxl.utils


def row_of(sheet, name):
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == name:
            return row[0].row
    raise SystemExit(f"no row for {name!r}")


def main():
    book_path, command, *args = sys.argv[1:]
    book = openpyxl.load_workbook(book_path)
    sheet = book["users"]
    if command == "add-row":
        name, hash_of = args
        source = row_of(sheet, hash_of)
        sheet.append([name, sheet.cell(source, 2).value, "2026-11-23T10:04:05Z", None])
    elif command == "rename":
        old, new = args
        sheet.cell(row_of(sheet, old), 1).value = new
    elif command == "set-date":
        name, column, iso, *number_format = args
        when = datetime.datetime.fromisoformat(iso.rstrip("Z"))
        cell = sheet[f"{column}{row_of(sheet, name)}"]
        cell.value = when
        if number_format:
            cell.number_format = number_format[0]
    elif command == "set-number":
        name, column, number = args
        sheet[f"{column}{row_of(sheet, name)}"].value = float(number)
    elif command == "set-text":
        name, column, text = args
        sheet[f"{column}{row_of(sheet, name)}"].value = text
    elif command == "get":
        name, column = args
        value = sheet[f"{column}{row_of(sheet, name)}"].value
        if isinstance(value, datetime.datetime):
            print("date " + value.isoformat())
        elif value is None:
            print("empty")
        else:
            print(f"text {value}")
        return
    elif command == "delete-row":
        (name,) = args
        sheet.delete_rows(row_of(sheet, name))
    elif command == "add-column":
        header, name, value = args
        column = sheet.max_column + 1
        sheet.cell(1, column).value = header
        sheet.cell(row_of(sheet, name), column).value = value
        letter = openpyxl.utils.get_column_letter(column)
        sheet.column_dimensions[letter].width = 25
    elif command == "add-sheet":
        title, text = args
        book.create_sheet(title)["A1"] = text
    elif command in ("column-of", "describe"):
        for cell in sheet[1]:
            if command == "describe":
                width = sheet.column_dimensions[cell.column_letter].width
                print(f"{cell.column_letter} {cell.value} {width}")
            elif cell.value == args[0]:
                print(cell.column_letter)
        if command == "describe":
            print("sheets " + " ".join(book.sheetnames))
        return
    else:
        raise SystemExit(f"unknown command {command}")
    book.save(book_path)


if __name__ == "__main__":
    main()
