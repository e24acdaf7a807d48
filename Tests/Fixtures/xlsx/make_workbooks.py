"""Builds the workbook fixtures from Rules/sample (run from the repository root):

    pip install openpyxl && python3 Tests/Fixtures/xlsx/make_workbooks.py

openpyxl/   one workbook per table, as openpyxl writes them: dates as Excel date serials in cells
            formatted as dates (found_on, deadline, inspections' date) or as text (orders'
            issued_on, rectified_on), booleans as boolean cells, employees as numbers, one of them
            a formula with its cached value (openpyxl writes none: it is added to the XML here, as
            Excel and LibreOffice write it), and hazards on a sheet named after the table behind
            a first sheet of notes (说明).
bad/        hazards.xlsx with a bad date and an error cell, for the messages.

libreoffice/ is written by LibreOffice 7.4 (Debian's libreoffice-calc-nogui), which turns ISO dates
into date cells and true/false into booleans:

    cd Rules/sample && soffice --headless --infilter="CSV:44,34,76,1" --convert-to xlsx \
        --outdir ../../Tests/Fixtures/xlsx/libreoffice *.csv
"""
import csv, datetime, io, os, re, shutil, sys, zipfile
from openpyxl import Workbook

root = os.getcwd()
sample = os.path.join(root, "Rules", "sample")
out = os.path.join(root, "Tests", "Fixtures", "xlsx")


def rows(table):
    with open(os.path.join(sample, table + ".csv"), encoding="utf-8") as f:
        return list(csv.reader(f))


def as_date(text):
    return datetime.date.fromisoformat(text) if text else None


def save(book, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    book.save(path)


def workbook(table, convert, notes_first=False, formula=None):
    book = Workbook()
    sheet = book.active
    if notes_first:
        sheet.title = "说明"
        sheet.append(["本工作簿由 openpyxl 生成;数据在 hazards 工作表。"])
        sheet = book.create_sheet(table)
    else:
        sheet.title = table
    data = rows(table)
    header = data[0]
    sheet.append(header)
    for record in data[1:]:
        cells = [convert(header[i], value) for i, value in enumerate(record)]
        sheet.append(cells)
        for i, value in enumerate(cells):
            if isinstance(value, datetime.date):
                sheet.cell(row=sheet.max_row, column=i + 1).number_format = "yyyy/m/d"
    if formula:
        row, column, text = formula
        sheet.cell(row=row, column=column).value = text
    return book


def enterprises(name, value):
    return int(value) if name == "employees" else value


def hazards(name, value):
    return as_date(value) if name in ("found_on", "deadline") else value


def inspections(name, value):
    if name == "date":
        return as_date(value)
    if name == "producing":
        return value in ("true", "是", "1")  # the sample writes yes both ways
    return value


def add_cached_value(path, cell, value):
    """openpyxl writes a formula without its result; Excel and LibreOffice store the result in <v>."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/sheet"):
            text = data.decode("utf-8")
            text = re.sub(r'(<c r="%s"[^>]*>)<f>([^<]*)</f>(<v\s*/>|<v></v>)?' % cell, r"\1<f>\2</f><v>%s</v>" % value, text)
            parts[name] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


target = os.path.join(out, "openpyxl")
shutil.rmtree(target, ignore_errors=True)
save(workbook("enterprises", enterprises, formula=(2, 7, "=400+20")), os.path.join(target, "enterprises.xlsx"))
add_cached_value(os.path.join(target, "enterprises.xlsx"), "G2", "420")
save(workbook("hazards", hazards, notes_first=True), os.path.join(target, "hazards.xlsx"))
save(workbook("orders", lambda n, v: v), os.path.join(target, "orders.xlsx"))
save(workbook("inspections", inspections), os.path.join(target, "inspections.xlsx"))

bad = os.path.join(out, "bad")
shutil.rmtree(bad, ignore_errors=True)
book = workbook("hazards", hazards)
book["hazards"]["E3"] = "2024-02-30"
save(book, os.path.join(bad, "hazards.xlsx"))
book = workbook("hazards", hazards)
book["hazards"]["D4"] = "=1/0"
save(book, os.path.join(bad, "error-cell", "hazards.xlsx"))
p = os.path.join(bad, "error-cell", "hazards.xlsx")
with zipfile.ZipFile(p) as z:
    parts = {n: z.read(n) for n in z.namelist()}
for name, data in parts.items():
    if name.startswith("xl/worksheets/sheet"):
        parts[name] = re.sub(rb'<c r="D4"([^>]*)><f>1/0</f>(<v\s*/>|<v></v>)?', rb'<c r="D4" t="e"><f>1/0</f><v>#DIV/0!</v>', data)
with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
    for name, data in parts.items():
        z.writestr(name, data)
print("written", target, bad)
