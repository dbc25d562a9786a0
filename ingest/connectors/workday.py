"""Workday connector: a custom report (Report-as-a-Service) of workers, as
JSON (`{"Report_Entry": [{...}, ...]}`) or CSV, from a file or the RaaS URL.

Which report field feeds which person field is configurable, because every
tenant names its report columns differently. `fields` maps a canonical field
(see ingest.connectors.people) to a report field name, a dotted path into a
nested JSON object ("Manager.Employee_ID"), or a list of candidates tried in
order. The defaults below fit a report built with the usual XML aliases; a
field given in `fields` replaces the default candidates for that field.

Values: a JSON list (a multi-instance field) contributes its first item; an
object (a Workday reference) contributes its `Descriptor`, else `ID`, else
`name`. In CSV, headers are matched like the report field names
(case-insensitive, ignoring spaces, dashes and underscores) and nested paths
are not available.

Source: `path` (a `.json` or `.csv` file) or `url` (the RaaS endpoint, e.g.
`https://wd2-impl-services1.workday.com/ccx/service/customreport2/acme/ISU_Kiki/Workers?format=json`)
with `username`/`password` (HTTP Basic, an integration system user) or `token`
(bearer). `format` ("json"|"csv") defaults to the file suffix or the URL's
`format=` parameter. An unreachable URL, HTTP errors, malformed JSON, a JSON
document without a `Report_Entry` list, or a CSV without the required columns
raise IngestError; a bad entry becomes a Problem.

Options: path | url, username, password, token, format, fields ({}), timeout
(30 s), retries (3), max_wait (60 s), delimiter, encoding, full (True).
"""
from __future__ import annotations

import base64
import json
import urllib.parse
from pathlib import Path

from graph.model import Problem
from kiki.errors import IngestError

from . import httpfetch
from .base import Connector
from .csv_people import check_required, decode, header_key, read_table
from .people import FIELDS, PersonRecord, people_batch

DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "employee_id": ("Employee_ID", "Worker_ID"),
    "name": ("Worker", "Legal_Name", "Full_Name", "Name"),
    "first_name": ("First_Name", "Legal_Name_-_First_Name"),
    "last_name": ("Last_Name", "Legal_Name_-_Last_Name"),
    "preferred_name": ("Preferred_Name",),
    "email": ("Email_-_Work", "Primary_Work_Email", "Work_Email", "Email_Address", "Email"),
    "title": ("Business_Title", "Job_Title", "Position"),
    "manager_id": ("Manager_Employee_ID", "Manager_ID", "Manager.Employee_ID"),
    "manager_email": ("Manager_Email", "Manager_-_Email", "Manager.Email"),
    "department": ("Department", "Cost_Center"),
    "division": ("Division", "Business_Unit"),
    "organization": ("Company", "Organization"),
    "team": ("Team", "Supervisory_Organization"),
    "start_date": ("Hire_Date", "Original_Hire_Date", "Start_Date"),
    "location": ("Location", "Work_Location"),
    "status": ("Worker_Status", "Active_Status", "Status"),
    "slack_id": ("Slack_ID",),
}


def _scalar(value):
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        for name in ("Descriptor", "descriptor", "ID", "id", "name"):
            if value.get(name) not in (None, ""):
                return value[name]
        return None
    return value


def _lookup(entry: dict, path: str):
    """A report field by exact name, then by a dotted path into nested objects."""
    if path in entry:
        return _scalar(entry[path])
    node = entry
    for part in path.split("."):
        if isinstance(node, list):
            node = node[0] if node else None
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return _scalar(node)


class WorkdayConnector(Connector):
    source = "workday"

    def __init__(self, *, path: str | None = None, url: str | None = None, username: str = "", password: str = "",
                 token: str = "", format: str | None = None, fields: dict | None = None, timeout: float = 30.0,
                 retries: int = 3, max_wait: float = 60.0, delimiter: str | None = None,
                 encoding: str | None = None, full: bool = True, **options):
        super().__init__(path=path, url=url, format=format, fields=fields, **options)
        if bool(path) == bool(url):
            raise IngestError("workday: give exactly one of path or url", code="source_config")
        unknown = set(fields or {}) - set(FIELDS)
        if unknown:
            raise IngestError(f"workday: unknown field(s) in fields: {sorted(unknown)}", code="source_config")
        self.path = Path(path) if path else None
        self.url = url
        self.auth = (username, password) if username else None
        self.token = token
        self.format = (format or self._guess_format()).lower()
        if self.format not in ("json", "csv"):
            raise IngestError(f"workday: format must be json or csv, not {self.format!r}", code="source_config")
        self.fields = {f: ((v,) if isinstance(v, str) else tuple(v))
                       for f, v in {**DEFAULT_FIELDS, **(fields or {})}.items()}
        self.http = {"timeout": float(timeout), "retries": int(retries), "max_wait": float(max_wait)}
        self.delimiter, self.encoding = delimiter, encoding
        self.full = full

    def _guess_format(self) -> str:
        if self.path is not None:
            return "csv" if self.path.suffix.lower() in (".csv", ".txt") else "json"
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.url).query))
        return query.get("format", "json")

    @property
    def where(self) -> str:
        return self.path.name if self.path is not None else httpfetch.safe_url(self.url)

    def _fetch(self) -> bytes:
        if self.path is not None:
            try:
                return self.path.read_bytes()
            except OSError as e:
                raise IngestError(f"cannot read {self.path}: {e.strerror or e}", code="source_unreachable") from e
        headers = {}
        if self.auth:
            pair = f"{self.auth[0]}:{self.auth[1]}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
        elif self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return httpfetch.get(self.url, headers=headers, **self.http)

    def read(self):
        data = self._fetch()
        if self.format == "csv":
            records, problems = self._csv_records(data)
        else:
            records, problems = self._json_records(data)
        return people_batch(self.source, records, problems)

    def _json_records(self, data: bytes):
        try:
            doc = json.loads(decode(data, self.where, self.encoding))
        except json.JSONDecodeError as e:
            raise IngestError(f"{self.where}: malformed JSON: {e}", code="source_malformed") from e
        entries = doc.get("Report_Entry") if isinstance(doc, dict) else None
        if not isinstance(entries, list):
            raise IngestError(f"{self.where}: no 'Report_Entry' list; is this a Workday JSON report?",
                              code="source_malformed")
        records, problems = [], []
        for i, entry in enumerate(entries):
            where = f"{self.where}#Report_Entry[{i}]"
            if not isinstance(entry, dict):
                problems.append(Problem(where, "entry", f"expected an object, got {type(entry).__name__}"))
                continue
            values = {}
            for field, candidates in self.fields.items():
                for path in candidates:
                    value = _lookup(entry, path)
                    if value not in (None, ""):
                        values[field] = value
                        break
            records.append(PersonRecord(where, values))
        return records, problems

    def _csv_records(self, data: bytes):
        header, rows = read_table(decode(data, self.where, self.encoding), self.where, self.delimiter)
        by_key = {header_key(h): h for h in header}
        found = {}
        for field, candidates in self.fields.items():
            col = next((by_key[header_key(c)] for c in candidates if header_key(c) in by_key), None)
            if col:
                found[field] = col
        check_required(found, self.where, header)
        records, problems = [], []
        for line, row in rows:
            where = f"{self.where}:{line}"
            if row.get(None):
                problems.append(Problem(where, f"line {line}", "more cells than the header has columns"))
                continue
            records.append(PersonRecord(where, {f: row.get(col) for f, col in found.items()}))
        return records, problems
