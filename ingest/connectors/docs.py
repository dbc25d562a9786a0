"""Docs connector: a folder of Markdown articles with YAML front matter
becomes Process and Topic pages, a process's "Steps" list becomes ordered
Step nodes, and references in the text become MENTIONS edges.

File shape (`*.md`, searched recursively; files are read as UTF-8):

    ---
    type: process                 # required: process | topic
    title: Quarterly risk report  # required; the page name
    key: quarterly-risk-report    # optional; default slugify(title)
    owner: "@risk-data"           # optional: team/department key or alias, @person, or email -> OWNS
    aliases: [QRR, risk report]   # optional: list or comma-separated string
    summary: How the report is produced.   # optional; default: the first paragraph
    ---
    Free Markdown. Mentions such as @ana-costa or @risk-data and wiki links
    such as [Risk Data](/team/risk-data) become MENTIONS edges.

    ## Steps
    1. Pull the exposure data (owner: @risk-data)
       Continuation lines become the step's summary.
    2. Review the numbers (owner: @ana-costa, @risk-review)
    3. Publish the report

Under the first heading whose text starts with "Steps" (any level), the items
of the ordered list (until the next heading) become Step nodes keyed
`<process-key>-step-<n>` with `order` n (1-based, by position: "1. 1. 1." also
works), linked by HAS_STEP {order: n}. Each step gets RESPONSIBLE_FOR from its
`(owner: ...)` / `(owners: ...)` hint, else from the front matter owner.
A "Steps" section in a topic is kept as text only.

References are resolved against the entities already in the graph plus the
articles of the same folder: `@name` by key, then alias or name (and `@org/team`
by its last part); emails by the Person's email; links `/<slug>/<key>` (also
prefixed by KIKI_BASE_URL) by label and key; links to another `.md` file of the
folder to that article. Code spans and fenced code are not scanned. An
unresolved or ambiguous reference is a Problem naming the file; the article
still loads. A file without front matter, with invalid YAML, an unknown `type`
or no title is a Problem and is skipped. A missing folder raises IngestError.

Options: path (required), resolve_against_graph (True), full (True).
"""
from __future__ import annotations

import re
from pathlib import Path

import frontmatter
import yaml
from django.conf import settings

from graph.model import LABEL_SLUGS, Batch, Edge, Entity, Problem, slugify_key
from graph.page_urls import parse_page_url
from kiki import md
from kiki.errors import IngestError

from .base import Connector
from .resolve import Directory

TYPES = {"process": "Process", "topic": "Topic"}
OWNER_LABELS = ("Team", "Department", "Person")

_YAML = frontmatter.YAMLHandler()
_ORDERED_ITEM = re.compile(r"^ {0,3}\d{1,9}[.)]\s+(.*)$")
_OWNER_HINT = re.compile(r"\s*\((?:owners?|responsible)\s*:\s*([^)]*)\)", re.I)
_MENTION = re.compile(r"(?<![\w@./-])@([A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?)")
_FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.S | re.M)
_CODE_SPAN = re.compile(r"`[^`\n]*`")


def split_front_matter(text: str) -> tuple[dict | None, str]:
    """(front matter dict or None, body). Raises ValueError for invalid YAML."""
    if not _YAML.detect(text):
        return None, text
    try:
        front, body = _YAML.split(text)
    except ValueError:  # an opening --- and no closing one: not front matter
        return None, text
    try:
        meta = _YAML.load(front) or {}
    except yaml.YAMLError as e:
        raise ValueError(f"invalid front matter YAML: {e}") from e
    if not isinstance(meta, dict):
        raise ValueError("front matter must be a mapping")
    return meta, body.removeprefix("\r\n").removeprefix("\n")


def plain(text: str) -> str:
    """Markdown inline text as plain words: links to their text, emphasis removed."""
    return " ".join(md.plain_text(text).split())


def first_paragraph(body: str, limit: int = 300) -> str:
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if block and not md.heading(block.splitlines()[0]) and not _ORDERED_ITEM.match(block):
            text = plain(block)
            return text if len(text) <= limit else text[:limit - 1].rsplit(" ", 1)[0] + "…"
    return ""


def parse_steps(body: str) -> list[dict]:
    """Ordered-list items under the first "Steps" heading:
    [{"text": ..., "owners": [...], "detail": ...}] in order."""
    steps, in_section, started = [], False, False
    for line in body.splitlines():
        h = md.heading(line)
        if h:
            if in_section:
                break
            in_section = h[1].strip().lower().startswith("steps")
            continue
        if not in_section:
            continue
        item = _ORDERED_ITEM.match(line)
        if item:
            started = True
            steps.append({"text": item.group(1).strip(), "detail": []})
        elif started and line.strip() and line.startswith((" ", "\t")):
            steps[-1]["detail"].append(line.strip())
        elif started and line.strip() and not line.startswith((" ", "\t")):
            break  # the list ended (an unindented paragraph or another list)
    for step in steps:
        owners = []
        for hint in _OWNER_HINT.findall(step["text"]):
            owners += [o.strip() for o in re.split(r"[,\s]+", hint) if o.strip()]
        step["owners"] = owners
        step["name"] = plain(_OWNER_HINT.sub("", step["text"])).rstrip(" .:;") or step["text"]
        step["detail"] = plain(" ".join(step["detail"]))
    return steps


def _without_code(text: str) -> str:
    return _CODE_SPAN.sub(" ", _FENCE.sub(" ", text))


def _aliases(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [a.strip() for a in value.split(",") if a.strip()]
    if isinstance(value, list):
        return [str(a).strip() for a in value if str(a).strip()]
    raise ValueError("aliases must be a list or a comma-separated string")


class DocsConnector(Connector):
    source = "docs"

    def __init__(self, *, path: str, resolve_against_graph: bool = True, full: bool = True, **options):
        super().__init__(path=path, resolve_against_graph=resolve_against_graph, **options)
        self.root = Path(path)
        self.resolve_against_graph = resolve_against_graph
        self.full = full

    def read(self) -> Batch:
        if not self.root.is_dir():
            raise IngestError(f"docs folder {self.root} does not exist", code="source_unreachable")
        batch = Batch(self.source)
        articles = []   # (rel path, entity, body, meta)
        seen: dict[tuple[str, str], str] = {}
        for path in sorted(self.root.rglob("*.md")):
            rel = path.relative_to(self.root).as_posix()
            try:
                text = path.read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as e:
                batch.problems.append(Problem(rel, rel, f"cannot read: {e}"))
                continue
            try:
                entity, body, meta = self._article(rel, text)
            except ValueError as e:
                batch.problems.append(Problem(rel, rel, f"{e}; skipped"))
                continue
            ident = (entity.label, entity.key)
            if ident in seen:
                batch.problems.append(Problem(rel, f"{entity.label}:{entity.key}",
                                              f"same key as {seen[ident]}; skipped"))
                continue
            seen[ident] = rel
            batch.entities.append(entity)
            articles.append((rel, entity, body, meta))

        directory = Directory.from_graph(f"docs {self.root}") if self.resolve_against_graph else Directory()
        directory.add_batch(batch)
        files = {rel: (e.label, e.key) for rel, e, _, _ in articles}
        for rel, entity, body, meta in articles:
            self._links(batch, directory, files, rel, entity, body, meta)
        return batch

    def _article(self, rel: str, text: str) -> tuple[Entity, str, dict]:
        meta, body = split_front_matter(text)
        if meta is None:
            raise ValueError("no front matter (--- type/title ---)")
        kind = str(meta.get("type") or "").strip().lower()
        if kind not in TYPES:
            raise ValueError(f"type must be process or topic, not {meta.get('type')!r}")
        title = str(meta.get("title") or "").strip()
        if not title:
            raise ValueError("missing title")
        key = slugify_key(str(meta.get("key") or title))
        if not key:
            raise ValueError(f"cannot make a key from {title!r}")
        summary = str(meta.get("summary") or "").strip() or first_paragraph(body)
        entity = Entity(TYPES[kind], key, title, summary=summary, body=body.strip() + "\n",
                        aliases=_aliases(meta.get("aliases")), source=self.source, source_id=rel,
                        props={"doc_path": rel})
        return entity, body, meta

    def _resolve(self, batch, directory, rel, ref, labels):
        ref = ref.strip()
        try:
            return directory.resolve(ref, labels)
        except LookupError as first:
            if "/" in ref.lstrip("@"):
                # @org/team-slug: GitHub-style team handles; the team is the last part.
                try:
                    return directory.resolve(ref.rsplit("/", 1)[1], labels)
                except LookupError:
                    pass
            batch.problems.append(Problem(rel, ref, f"unresolved reference: {first}"))
            return None

    def _links(self, batch, directory, files, rel, entity, body, meta):
        src = (entity.label, entity.key)
        owner = None
        if meta.get("owner"):
            owner = self._resolve(batch, directory, rel, str(meta["owner"]), OWNER_LABELS)
            if owner:
                batch.edges.append(Edge("OWNS", owner[0], owner[1], *src, source=self.source))

        if entity.label == "Process":
            for n, step in enumerate(parse_steps(body), start=1):
                step_key = f"{entity.key}-step-{n}"[:200]
                batch.entities.append(Entity("Step", step_key, step["name"][:300], summary=step["detail"],
                                             source=self.source, source_id=f"{rel}#step-{n}",
                                             props={"order": n, "process": entity.key}))
                batch.edges.append(Edge("HAS_STEP", *src, "Step", step_key, props={"order": n},
                                        source=self.source))
                responsible = [r for r in (self._resolve(batch, directory, rel, o, OWNER_LABELS)
                                           for o in step["owners"]) if r] if step["owners"] else \
                    ([owner] if owner else [])
                for label, key in responsible:
                    batch.edges.append(Edge("RESPONSIBLE_FOR", label, key, "Step", step_key, source=self.source))

        targets = []
        # Step owner hints become RESPONSIBLE_FOR, not mentions.
        text = _OWNER_HINT.sub(" ", _without_code(body))
        for m in _MENTION.finditer(text):
            hit = self._resolve(batch, directory, rel, "@" + m.group(1), tuple(LABEL_SLUGS))
            if hit:
                targets.append(hit)
        base = settings.KIKI_BASE_URL.rstrip("/")
        for link in md.links(text):
            url = link.dest
            if url.startswith(base + "/"):
                url = url[len(base):]
            wiki = parse_page_url(url)
            if wiki:
                label, key = wiki
                if directory.has(label, key):
                    targets.append((label, key))
                else:
                    batch.problems.append(Problem(rel, url, f"unresolved link: no {label} with key {key!r}"))
            elif not re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", url) and url.split("#")[0].endswith(".md"):
                linked = (Path(rel).parent / url.split("#")[0]).as_posix()
                hit = files.get(_normalize(linked))
                if hit:
                    targets.append(hit)
                else:
                    batch.problems.append(Problem(rel, url, "unresolved link: no article at that path"))
        for label, key in dict.fromkeys(targets):
            if (label, key) != src:
                batch.edges.append(Edge("MENTIONS", *src, label, key, source=self.source))


def _normalize(path: str) -> str:
    """'a/b/../c.md' -> 'a/c.md' without touching the file system."""
    parts = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)
