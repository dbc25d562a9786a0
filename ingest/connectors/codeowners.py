"""CODEOWNERS connector: who owns each system's code, as OWNS edges from
teams and people to systems.

Input: a repository checkout (`repo`), whose CODEOWNERS is looked up at
`.github/CODEOWNERS`, `CODEOWNERS`, `docs/CODEOWNERS`, `.gitlab/CODEOWNERS`
(or given as `codeowners`, a file path). Syntax is GitHub's: one rule per
line, `<pattern> <owner> <owner>...`, `#` comments, gitignore-style patterns
(`*`, `**`, `?`, a leading `/` anchors to the root, a trailing `/` means a
directory), the LAST matching rule wins, and a rule without owners unowns.
GitLab section headers (`[Section]`, `^[Optional]`) are skipped.

Which path is which system:
  - `systems`: {repository path: system key}, e.g. {"services/payments": "payments-api"};
  - `catalog`: True (the default) also reads the Backstage `catalog-info.yaml`
    files in the checkout: a Component/System/API/Resource is at the folder of
    its catalog file, or at the path in its `backstage.io/source-location`
    annotation (`url:https://github.com/acme/repo/tree/main/services/x/`) when
    that points into this repository (`repo_url`, if given, must prefix it).
A system's owners are the owners of the last rule matching a file directly in
its folder (so `*.md` or a rule for one subfolder does not make an owner of
the whole system).

Owners: `@org/team-slug` -> the Team whose key, alias or name is `team-slug`
(`teams` can map a slug to a key explicitly); `@user` -> the Person whose key,
GitHub handle (`github` prop) or alias is `user`; `name@example.com` -> the
Person with that email. References resolve against the graph (and the
`systems` must exist there or in the checkout's catalog); an unknown owner or
system is a Problem and the rest still loads. A missing repository or
CODEOWNERS file raises IngestError.

Options: repo (required), codeowners, systems ({}), catalog (True), repo_url,
teams ({}), resolve_against_graph (True), full (True).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pathspec

from graph.model import Batch, Edge, Problem, slugify_key
from kiki.errors import IngestError

from .base import Connector
from .resolve import Directory

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")


@dataclass
class Rule:
    line: int
    pattern: str
    owners: list[str]
    spec: pathspec.PathSpec


def pattern_spec(pattern: str) -> pathspec.PathSpec:
    """A gitignore-style pattern (pathspec gitignore) over repository paths
    without a leading slash; "/" alone owns the whole repository."""
    return pathspec.PathSpec.from_lines("gitignore", ["**" if not pattern.strip("/") else pattern])


def parse_codeowners(text: str) -> tuple[list[Rule], list[tuple[int, str]]]:
    """Rules in file order, and (line, message) for lines that could not be read."""
    rules, bad = [], []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if re.match(r"^\^?\[[^\]]+\]", line):
            continue
        line = re.sub(r"(?<!\\)\s#.*$", "", line).strip()  # trailing comment
        parts = re.split(r"(?<!\\)\s+", line)
        pattern = parts[0].replace("\\ ", " ").replace("\\#", "#")
        owners = parts[1:]
        odd = [o for o in owners if not (o.startswith("@") or "@" in o)]
        if odd:
            bad.append((n, f"not an owner: {', '.join(odd)} (use @user, @org/team or an email)"))
            owners = [o for o in owners if o not in odd]
        try:
            rules.append(Rule(n, pattern, owners, pattern_spec(pattern)))
        except (re.error, ValueError) as e:
            bad.append((n, f"unreadable pattern {pattern!r}: {e}"))
    return rules, bad


def owners_of(rules: list[Rule], path: str) -> Rule | None:
    """The last rule matching a file directly inside the folder `path`."""
    probe = path.strip("/") + "/__kiki_any_file__" if path.strip("/") else "__kiki_any_file__"
    for rule in reversed(rules):
        if rule.spec.match_file(probe):
            return rule
    return None


class CodeownersConnector(Connector):
    source = "codeowners"

    def __init__(self, *, repo: str, codeowners: str | None = None, systems: dict[str, str] | None = None,
                 catalog: bool = True, repo_url: str | None = None, teams: dict[str, str] | None = None,
                 resolve_against_graph: bool = True, full: bool = True, **options):
        super().__init__(repo=repo, codeowners=codeowners, systems=systems, catalog=catalog, **options)
        self.repo = Path(repo)
        self.codeowners = Path(codeowners) if codeowners else None
        self.systems = dict(systems or {})
        self.catalog = catalog
        self.repo_url = repo_url
        self.teams = dict(teams or {})
        self.resolve_against_graph = resolve_against_graph
        self.full = full

    def _file(self) -> Path:
        if self.codeowners is not None:
            candidates = [self.codeowners]
        else:
            if not self.repo.is_dir():
                raise IngestError(f"repository checkout {self.repo} does not exist", code="source_unreachable")
            candidates = [self.repo / loc for loc in LOCATIONS]
        for path in candidates:
            if path.is_file():
                return path
        raise IngestError(f"no CODEOWNERS file found (looked at {', '.join(str(p) for p in candidates)})",
                          code="source_unreachable")

    def read(self) -> Batch:
        path = self._file()
        where = path.name if self.codeowners else path.relative_to(self.repo).as_posix()
        try:
            rules, bad = parse_codeowners(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as e:
            raise IngestError(f"cannot read {path}: {e}", code="source_unreachable") from e
        batch = Batch(self.source, problems=[Problem(f"{where}:{n}", "rule", msg) for n, msg in bad])

        directory = Directory.from_graph(f"codeowners {path}") if self.resolve_against_graph else Directory()
        system_paths: dict[str, str] = {}     # repo path -> system key
        if self.catalog and self.repo.is_dir():
            from .catalog import component_paths
            catalog_batch, paths = component_paths(self.repo, self.repo_url)
            # Only the systems' folders matter here; the catalog's own problems
            # are the catalog connector's to report.
            directory.add_batch(catalog_batch)
            system_paths.update(paths)
        system_paths.update({p.strip("/"): key for p, key in self.systems.items()})

        for repo_path, system_key in sorted(system_paths.items()):
            if not directory.has("System", system_key):
                batch.problems.append(Problem(where, system_key, f"no System {system_key!r} (for path "
                                                                 f"{repo_path or '/'}); ownership skipped"))
                continue
            rule = owners_of(rules, repo_path)
            if rule is None or not rule.owners:
                continue
            for owner in rule.owners:
                hit = self._owner(directory, owner)
                if isinstance(hit, str):
                    batch.problems.append(Problem(f"{where}:{rule.line}", owner, hit))
                    continue
                batch.edges.append(Edge("OWNS", hit[0], hit[1], "System", system_key,
                                        props={"codeowners_pattern": rule.pattern}, source=self.source))
        return batch

    def _owner(self, directory: Directory, owner: str):
        """(label, key), or a reason string when the owner cannot be resolved."""
        try:
            if "@" in owner.lstrip("@"):
                return directory.resolve(owner, ("Person",))
            handle = owner.lstrip("@")
            if "/" in handle:
                slug = handle.rsplit("/", 1)[1]
                if slug in self.teams:
                    return ("Team", self.teams[slug]) if directory.has("Team", self.teams[slug]) else \
                        f"teams maps {slug!r} to unknown Team {self.teams[slug]!r}"
                return directory.resolve(slug, ("Team", "Department"))
            return directory.resolve(slugify_key(handle), ("Person",))
        except LookupError as e:
            return f"unresolved owner: {e}"
