"""Generic people CSV connector: one person per row, columns recognised by name.

Columns (header names are matched case-insensitively, ignoring spaces, dashes
and underscores; the first alias present wins; `columns={"email": "Mail"}`
overrides the lookup for a field):

| field          | required                     | header aliases                                        |
|----------------|------------------------------|-------------------------------------------------------|
| name           | yes, or first_name+last_name | name, full name, display name                         |
| first_name     |                              | first name, given name, firstname                     |
| last_name      |                              | last name, family name, surname, lastname             |
| email          | email or employee_id         | email, work email, email address, e-mail, mail        |
| employee_id    | email or employee_id         | employee id, employee number, emp id, worker id, id   |
| preferred_name |                              | preferred name, nickname                              |
| title          |                              | title, job title, position, business title            |
| manager_id     |                              | manager id, manager employee id, supervisor id        |
| manager_email  |                              | manager email, supervisor email, reports to           |
| department     |                              | department, dept                                      |
| division       |                              | division, business unit                               |
| organization   |                              | organization, organisation, company                   |
| team           |                              | team, team name, squad                                |
| start_date     |                              | start date, hire date, started                        |
| location       |                              | location, office, city                                |
| status         |                              | status, employment status                             |
| slack_id       |                              | slack id, slack user id, slack                        |

Encoding: a UTF-8 or UTF-16 byte-order mark is honoured and stripped (Excel
writes one); without one the file is read as UTF-8, falling back to cp1252.
Delimiter: sniffed among `,` `;` tab `|` unless `delimiter` is given.
A file that is missing, undecodable, empty, or lacks the required columns
raises IngestError naming the file; a bad row becomes a Problem naming
`file:line` (see ingest.connectors.people for the row rules).

Options: path (required), columns ({}), delimiter (sniffed), encoding (auto),
full (True).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from graph.model import Problem
from kiki.errors import IngestError

from .base import Connector
from .people import PersonRecord, people_batch

ALIASES: dict[str, tuple[str, ...]] = {
    "employee_id": ("employee_id", "employee_number", "emp_id", "employee_no", "worker_id", "id"),
    "name": ("name", "full_name", "display_name"),
    "first_name": ("first_name", "given_name", "firstname"),
    "last_name": ("last_name", "family_name", "surname", "lastname"),
    "preferred_name": ("preferred_name", "nickname"),
    "email": ("email", "work_email", "email_address", "e_mail", "mail"),
    "title": ("title", "job_title", "position", "business_title"),
    "manager_id": ("manager_id", "manager_employee_id", "supervisor_id"),
    "manager_email": ("manager_email", "supervisor_email", "reports_to"),
    "department": ("department", "dept"),
    "division": ("division", "business_unit"),
    "organization": ("organization", "organisation", "company"),
    "team": ("team", "team_name", "squad"),
    "start_date": ("start_date", "hire_date", "started"),
    "location": ("location", "office", "city"),
    "status": ("status", "employment_status"),
    "slack_id": ("slack_id", "slack_user_id", "slack"),
}
DELIMITERS = ",;\t|"


def header_key(text: str) -> str:
    """'Work E-mail ' -> 'work_e_mail': how headers and aliases are compared."""
    return re.sub(r"[^a-z0-9]+", "_", (text or "").strip().lower()).strip("_")


def decode(data: bytes, where: str, encoding: str | None = None) -> str:
    """Text from file bytes: explicit encoding, else BOM, else UTF-8, else cp1252."""
    try:
        if encoding:
            return data.decode(encoding)
        if data.startswith(codecs.BOM_UTF8):
            return data[len(codecs.BOM_UTF8):].decode("utf-8")
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return data.decode("utf-16")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            # Excel on Windows saves "CSV" in the ANSI code page.
            return data.decode("cp1252")
    except (UnicodeDecodeError, LookupError) as e:
        raise IngestError(f"{where}: cannot decode the file ({e})", code="source_malformed") from e


def read_table(text: str, where: str, delimiter: str | None = None) -> tuple[list[str], list[tuple[int, dict]]]:
    """Header and rows `(line_number, {header: value})` of a CSV text; blank rows
    are skipped; a row with more cells than the header keeps them under None."""
    if not text.strip():
        raise IngestError(f"{where}: the file is empty", code="source_malformed")
    if not delimiter:
        lines = text.lstrip().splitlines()
        first = lines[0]
        try:
            delimiter = csv.Sniffer().sniff("\n".join(lines[:5]), delimiters=DELIMITERS).delimiter
        except csv.Error:
            # One-column files and odd headers: the most frequent candidate, else a comma.
            delimiter = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = []
    try:
        for row in reader:
            if all(not (v or "").strip() for k, v in row.items() if k is not None):
                continue
            rows.append((reader.line_num, row))
    except csv.Error as e:
        raise IngestError(f"{where}: line {reader.line_num}: {e}", code="source_malformed") from e
    return header, rows


def column_map(header: list[str], aliases: dict[str, tuple[str, ...]], overrides: dict[str, str]) -> dict[str, str]:
    """canonical field -> header name present in the file."""
    by_key = {header_key(h): h for h in header}
    found = {}
    for field, names in aliases.items():
        if field in overrides:
            wanted = overrides[field]
            if header_key(wanted) in by_key:
                found[field] = by_key[header_key(wanted)]
            continue
        for alias in names:
            if alias in by_key:
                found[field] = by_key[alias]
                break
    return found


def check_required(found: dict[str, str], where: str, header: list[str]) -> None:
    missing = []
    if "name" not in found and not {"first_name", "last_name"} <= set(found):
        missing.append("name (or first_name and last_name)")
    if "email" not in found and "employee_id" not in found:
        missing.append("email or employee_id")
    if missing:
        raise IngestError(f"{where}: missing required column(s): {'; '.join(missing)} "
                          f"(header: {', '.join(header) or 'none'})", code="source_malformed")


def records_from_rows(rows, found: dict[str, str], where: str) -> tuple[list[PersonRecord], list[Problem]]:
    records, problems = [], []
    for line, row in rows:
        extra = row.get(None)
        if extra:
            problems.append(Problem(f"{where}:{line}", row.get(found.get("email", ""), "") or f"line {line}",
                                    f"{len(extra)} more cell(s) than the header has columns"))
            continue
        records.append(PersonRecord(f"{where}:{line}", {f: row.get(col) for f, col in found.items()}))
    return records, problems


class CSVPeopleConnector(Connector):
    source = "csv"

    def __init__(self, *, path: str, columns: dict[str, str] | None = None, delimiter: str | None = None,
                 encoding: str | None = None, full: bool = True, **options):
        super().__init__(path=path, columns=columns, delimiter=delimiter, encoding=encoding, **options)
        unknown = set(columns or {}) - set(ALIASES)
        if unknown:
            raise IngestError(f"csv: unknown field(s) in columns: {sorted(unknown)}", code="source_config")
        self.path = Path(path)
        self.columns = dict(columns or {})
        self.delimiter = delimiter
        self.encoding = encoding
        self.full = full

    def read(self):
        where = self.path.name
        try:
            data = self.path.read_bytes()
        except OSError as e:
            raise IngestError(f"cannot read {self.path}: {e.strerror or e}", code="source_unreachable") from e
        header, rows = read_table(decode(data, where, self.encoding), where, self.delimiter)
        found = column_map(header, ALIASES, self.columns)
        check_required(found, where, header)
        records, problems = records_from_rows(rows, found, where)
        return people_batch(self.source, records, problems)
