"""HRIS connector: a Deel-style REST people API (paginated JSON, bearer auth)
read as a full snapshot of the workforce.

Request: `GET {base_url}{path}?limit={page_size}` with
`Authorization: Bearer {token}`; then either `&cursor={page.next_cursor}`
(cursor pagination) or `&offset={n}` (offset pagination) until the last page.

Response page (the shape we support; unknown fields are ignored):

    {
      "data": [
        {
          "id": "w-1001",                     # required: the worker's id in the HRIS
          "worker_id": "1001",                # employee number -> employee_id (default: id)
          "full_name": "Ana Costa",           # or "first_name" + "last_name"
          "preferred_name": "Ana",            # optional, becomes an alias
          "work_email": "ana@example.com",    # or "emails": [{"type": "work", "value": ...}]
          "job_title": "Data Engineer",
          "department": {"id": "d-1", "name": "Risk"},   # or a plain string
          "division": "Finance", "organization": "Acme",  # optional parent units (or {"name": ...})
          "team": {"id": "t-7", "name": "Risk Data"},    # or a plain string
          "direct_manager": {"id": "w-1000", "work_email": "bo@example.com"},  # or null
          "start_date": "2021-04-01",
          "hiring_status": "active",          # active | terminated | inactive | ... ("status" also read)
          "location": "Lisbon",               # or "country"
          "slack_id": "U024BE7LH"
        }
      ],
      "page": {"next_cursor": "abc" | null,       # cursor pagination, or
               "offset": 0, "total_rows": 250}    # offset pagination
    }

A page without `page.next_cursor` and without `page.total_rows` ends the
listing when it holds fewer than `page_size` records. The direct manager is
matched by `id` (or `worker_id`, then `work_email`) to another record of the
same listing. Records that are not objects or lack `id` or a name or identity
become Problems. Connection errors, HTTP 401/403/5xx, a malformed JSON page or
a page without a `data` list raise IngestError before anything is returned;
429/503 are retried honouring Retry-After.

Options: base_url (required), token, path ("/rest/v2/people"), page_size (100),
timeout (15 s), retries (3), max_wait (60 s), full (True).
"""
from __future__ import annotations

from graph.model import Problem
from kiki.errors import IngestError

from . import httpfetch
from .base import Connector
from .people import PersonRecord, clean, people_batch

MAX_PAGES = 10_000  # a paging bug on the server must not loop forever


def _name(value) -> str:
    """`{"id":…, "name": …}` or a plain string."""
    if isinstance(value, dict):
        return clean(value.get("name") or value.get("display_name"))
    return clean(value)


def _work_email(rec: dict) -> str:
    if rec.get("work_email"):
        return clean(rec["work_email"])
    for item in rec.get("emails") or []:
        if isinstance(item, dict) and item.get("type") == "work" and item.get("value"):
            return clean(item["value"])
    return clean(rec.get("email"))


class HRISConnector(Connector):
    source = "hris"

    def __init__(self, *, base_url: str, token: str = "", path: str = "/rest/v2/people", page_size: int = 100,
                 timeout: float = 15.0, retries: int = 3, max_wait: float = 60.0, full: bool = True, **options):
        super().__init__(base_url=base_url, path=path, page_size=page_size, **options)
        if not base_url:
            raise IngestError("hris: base_url is required", code="source_config")
        self.url = base_url.rstrip("/") + "/" + path.lstrip("/")
        self.token = token
        self.page_size = int(page_size)
        self.http = {"timeout": float(timeout), "retries": int(retries), "max_wait": float(max_wait)}
        self.full = full

    def _pages(self):
        """Yield (url, records) for each page; raises IngestError on any failure."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        cursor, offset, seen_cursors, previous = None, 0, set(), None
        for _ in range(MAX_PAGES):
            url = httpfetch.with_query(self.url, limit=self.page_size, cursor=cursor,
                                       offset=offset if cursor is None and offset else None)
            doc = httpfetch.get_json(url, headers=headers, **self.http)
            if not isinstance(doc, dict) or not isinstance(doc.get("data"), list):
                raise IngestError(f"{httpfetch.safe_url(url)}: page has no 'data' list", code="source_malformed")
            records = doc["data"]
            if records and records == previous:
                # A server that ignores our offset would otherwise be read 10,000 times.
                raise IngestError(f"{httpfetch.safe_url(url)}: returned the previous page again",
                                  code="source_malformed")
            previous = records
            yield url, records
            page = doc.get("page") if isinstance(doc.get("page"), dict) else {}
            if page.get("next_cursor"):
                cursor = str(page["next_cursor"])
                if cursor in seen_cursors:
                    raise IngestError(f"{httpfetch.safe_url(url)}: cursor {cursor!r} repeats", code="source_malformed")
                seen_cursors.add(cursor)
                continue
            if cursor is not None or not records:
                return
            offset += len(records)
            total = page.get("total_rows")
            if isinstance(total, int):
                if offset >= total:
                    return
            elif len(records) < self.page_size:
                return
        raise IngestError(f"{httpfetch.safe_url(self.url)}: more than {MAX_PAGES} pages", code="source_malformed")

    def read(self):
        raw: list[tuple[str, object]] = []
        for url, records in self._pages():
            base = httpfetch.safe_url(url)
            raw.extend((f"{base}#{i}", rec) for i, rec in enumerate(records))

        # The manager reference is the HRIS `id`; map it to the employee id we key on.
        employee_ids = {clean(r["id"]): clean(r.get("worker_id")) or clean(r["id"])
                        for _, r in raw if isinstance(r, dict) and clean(r.get("id"))}
        people, problems = [], []
        for where, rec in raw:
            if not isinstance(rec, dict):
                problems.append(Problem(where, "record", f"expected an object, got {type(rec).__name__}"))
                continue
            rid = clean(rec.get("id"))
            if not rid:
                problems.append(Problem(where, _work_email(rec) or "record", "missing id"))
                continue
            manager = rec.get("direct_manager") or rec.get("manager") or {}
            if not isinstance(manager, dict):
                manager = {"id": manager}
            mid = clean(manager.get("id"))
            people.append(PersonRecord(f"{where} ({rid})", {
                "employee_id": employee_ids[rid],
                "name": rec.get("full_name") or rec.get("name"),
                "first_name": rec.get("first_name"),
                "last_name": rec.get("last_name"),
                "preferred_name": rec.get("preferred_name"),
                "email": _work_email(rec),
                "title": rec.get("job_title") or rec.get("title"),
                "department": _name(rec.get("department")),
                "division": _name(rec.get("division")),
                "organization": _name(rec.get("organization")),
                "team": _name(rec.get("team")),
                "manager_id": employee_ids.get(mid) or clean(manager.get("worker_id")) or mid,
                "manager_email": manager.get("work_email") or manager.get("email"),
                "start_date": rec.get("start_date"),
                "status": rec.get("hiring_status") or rec.get("status"),
                "location": rec.get("location") or rec.get("country"),
                "slack_id": rec.get("slack_id"),
            }))
        return people_batch(self.source, people, problems)
