"""Block Kit rendering for Kiki's Slack messages, and our markdown -> Slack
mrkdwn conversion. Pure functions: no network, no graph."""
from __future__ import annotations

import re

from django.conf import settings

from kiki import md

# Slack's limits: a section's text, blocks per message, elements per context.
SECTION_LIMIT = 3000
MAX_BLOCKS = 50
CONTEXT_ELEMENTS = 10
FALLBACK_LIMIT = 300

RATE_UP = "kiki_rate_up"
RATE_DOWN = "kiki_rate_down"

_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC_STAR = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.M)
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()<>#+\-.!|~])")
_HR = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$", re.M)


def absolute_url(url: str) -> str:
    """Wiki links are site-relative (/person/ana-costa); Slack needs absolute ones."""
    if url.startswith("/"):
        return settings.KIKI_BASE_URL.rstrip("/") + url
    return url


def escape(text: str) -> str:
    """Slack's three control characters; everything else is literal."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link_target(url: str) -> str:
    # '|' and '>' would end the <url|text> token early.
    return absolute_url(url).replace("|", "%7C").replace(">", "%3E")


def to_mrkdwn(markdown: str) -> str:
    """Convert the assistant's markdown to Slack mrkdwn: links become
    <absolute-url|text>, **bold** becomes *bold*, *italic* becomes _italic_,
    headings become bold lines, bullets become •. Code is left untouched."""
    if not markdown:
        return ""
    stash: list[str] = []

    def keep(s: str) -> str:
        stash.append(s)
        return f"\x00{len(stash) - 1}\x00"

    # Links first, found by kiki.md (none inside code); link text cannot carry
    # formatting in Slack, so it is the label's plain text.
    text = md.replace_links(markdown, lambda link: keep(f"<{_link_target(link.href)}|{escape(link.text)}>"))
    text = _FENCE.sub(lambda m: keep(m.group(0)), text)
    text = _INLINE_CODE.sub(lambda m: keep(m.group(0)), text)
    # Backslash escapes (the assistant writes names like Ana\_Costa) become the
    # literal character, kept out of the emphasis conversions below.
    text = _ESCAPED.sub(lambda m: keep(escape(m.group(1))), text)
    text = _AUTOLINK.sub(lambda m: keep(f"<{_link_target(m.group(1))}>"), text)
    text = escape(text)
    text = _HR.sub("", text)
    text = "\n".join(f"\x01{h[1]}\x01" if (h := md.heading(line)) and h[1] else line
                     for line in text.split("\n"))
    text = _BOLD.sub(lambda m: f"\x01{m.group(2)}\x01", text)
    text = _ITALIC_STAR.sub(lambda m: f"_{m.group(1)}_", text)
    text = _STRIKE.sub(lambda m: f"~{m.group(1)}~", text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = text.replace("\x01", "*")
    text = re.sub(r"\n{3,}", "\n\n", text)
    while "\x00" in text:  # stashed links may hold stashed escapes
        text = re.sub(r"\x00(\d+)\x00", lambda m: stash[int(m.group(1))], text)
    return text.strip()


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut at paragraph, then line, then
    word boundaries, never inside a <url|text> link."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = -1
        for sep in ("\n\n", "\n", " "):
            cut = window.rfind(sep)
            if cut > limit // 3:
                break
        if cut <= 0:
            cut = limit
        # Do not end a piece inside an open link token.
        open_at = window.rfind("<", 0, cut)
        if open_at > window.rfind(">", 0, cut) and open_at > 0:
            cut = open_at
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest.strip():
        pieces.append(rest)
    return pieces


def fallback_text(markdown: str) -> str:
    """Plain notification text (Slack shows it in notifications and old clients)."""
    plain = md.replace_links(markdown or "", lambda link: link.label)
    plain = re.sub(r"(?<!\\)[*_`#]", "", plain)
    plain = escape(_ESCAPED.sub(r"\1", plain)).strip()
    return plain if len(plain) <= FALLBACK_LIMIT else plain[:FALLBACK_LIMIT - 1] + "…"


def section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(*texts: str) -> dict:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t} for t in texts[:CONTEXT_ELEMENTS]]}


def sources_blocks(sources: list[dict]) -> list[dict]:
    """Links to the wiki pages the answer used, as one or more sections."""
    lines = []
    for src in sources or []:
        title = escape(str(src.get("title") or src.get("key") or "page"))
        url = src.get("url") or ""
        kind = escape(str(src.get("type") or ""))
        item = f"<{_link_target(url)}|{title}>" if url else title
        lines.append(f"• {item}" + (f"  _{kind}_" if kind else ""))
    if not lines:
        return []
    return [section(piece) for piece in split_text("*Sources*\n" + "\n".join(lines))]


def rating_block(message_id: str) -> dict:
    return {"type": "actions", "block_id": "kiki_rating", "elements": [
        {"type": "button", "action_id": RATE_UP, "value": message_id,
         "text": {"type": "plain_text", "text": "👍 Helpful", "emoji": True}},
        {"type": "button", "action_id": RATE_DOWN, "value": message_id,
         "text": {"type": "plain_text", "text": "👎 Not helpful", "emoji": True}},
    ]}


def answer_messages(result: dict, notes: list[str] | None = None) -> list[list[dict]]:
    """The assistant's result as one or more Slack messages (lists of blocks),
    each within 50 blocks; the sources, the AI disclosure and the rating
    buttons come at the end of the last message."""
    body = [section(p) for p in split_text(to_mrkdwn(result.get("answer") or "")) or ["_(no answer)_"]]
    mode = result.get("mode") or "offline"
    mode_text = "language model mode" if mode == "llm" else "offline mode, no language model"
    lines = [f":robot_face: Written by Kiki, an AI assistant ({mode_text}); check the linked pages."]
    if result.get("note"):
        lines.append(escape(str(result["note"])))
    lines += [escape(n) for n in notes or []]
    # How the question was understood: a quiet line under the answer.
    reading = [context(f"_I read this as: {escape(str(result['reading']))}_")] if result.get("reading") else []
    tail = reading + sources_blocks(result.get("sources") or []) + [context(*lines)]
    if result.get("message_id"):
        tail.append(rating_block(str(result["message_id"])))
    return chunk_blocks(body + tail)


def chunk_blocks(blocks: list[dict], limit: int = MAX_BLOCKS) -> list[list[dict]]:
    return [blocks[i:i + limit] for i in range(0, len(blocks), limit)] or [[]]


def thinking_blocks() -> list[dict]:
    return [context(":eyes: Kiki is looking that up…")]


def apology_blocks(reference: str, reason: str = "") -> list[dict]:
    why = f" {escape(reason)}" if reason else ""
    return [section(f":warning: Sorry, something went wrong while answering.{why} "
                    f"If it keeps happening, give the Kiki team this reference: `{reference}`.")]


_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{8,}$")


def channel_ref(channel: str) -> str:
    """A channel id (C0123ABCD) becomes a clickable <#C0123ABCD>; a name stays #name."""
    channel = channel.lstrip("#")
    return f"<#{channel}>" if _CHANNEL_ID.match(channel) else f"*#{escape(channel)}*"


def handoff_blocks(topic: str, owners: list[dict]) -> list[dict]:
    """Point the asker at the humans owning the topic: channel and leads."""
    if not owners:
        return [section(":busts_in_silhouette: You asked for a person. I couldn't tell which team owns "
                        + (f"*{escape(topic)}*" if topic else "this topic")
                        + ". Tell me what it is about (a system, process or team name) and I'll find "
                          "the right people."),
                context("Kiki did not answer this question itself; it looked up owners in the wiki graph.")]
    lines = []
    for o in owners:
        team = f"<{_link_target(o['url'])}|{escape(o['name'])}>"
        about = f" (owns <{_link_target(o['about_url'])}|{escape(o['about_name'])}>)" if o.get("about_name") else ""
        contacts = []
        if o.get("channel"):
            contacts.append(f"ask in {channel_ref(o['channel'])}")
        for lead in o.get("leads") or []:
            who = f"<@{lead['slack_user']}>" if lead.get("slack_user") else f"<{_link_target(lead['url'])}|{escape(lead['name'])}>"
            contacts.append(f"contact {who} ({'lead' if lead.get('is_lead', True) else 'owner'})")
        lines.append(f"• {team}{about}: " + (", or ".join(contacts) if contacts else "no channel or lead on record"))
    text = (":busts_in_silhouette: Here are the people for "
            + (f"*{escape(topic)}*" if topic else "this") + ":\n" + "\n".join(lines))
    return [section(p) for p in split_text(text)] + [
        context("Kiki did not answer this question itself; it looked up the owners in the wiki graph.")]


EXAMPLES = [
    "Who leads the Payments team?",
    "Which team owns the billing-api system, and what does it depend on?",
    "How do I get access to production? (walks you through the process steps)",
    "Who is in my team?",
    "What does my department own?",
]


def home_view(person_name: str | None = None, unknown_note: bool = True) -> dict:
    """The App Home tab: what Kiki can do, with example questions; without a
    name (and `unknown_note`) it says "my team" won't be personalised."""
    hello = f"Hi {escape(person_name)}! " if person_name else ""
    base = settings.KIKI_BASE_URL.rstrip("/")
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "Kiki, your company knowledge assistant"}},
        section(f"{hello}I answer questions about people, teams, departments, systems, processes and topics "
                f"from the <{base}/|Kiki wiki>, with links to the pages I used."),
        section("*How to ask*\n• Mention me in a channel: `@Kiki who owns billing-api?`\n"
                "• Send me a direct message\n• Use `/kiki <question>` anywhere\n"
                "• Reply in a thread I answered in to follow up, no mention needed\n"
                "• Say _talk to a person_ to get the owning team's channel and lead"),
        section("*Try asking*\n" + "\n".join(f"• {escape(e)}" for e in EXAMPLES)),
    ]
    if not person_name and unknown_note:
        blocks.append(context("I couldn't match your Slack account to a person in the wiki, so questions "
                              "about _my team_ or _my department_ won't be personalised."))
    blocks.append(context("Answers are written by an AI and can be wrong: rate them with 👍/👎 "
                          "and check the linked pages."))
    return {"type": "home", "blocks": blocks}


HELP_TEXT = ("Ask me anything about our people, teams, systems and processes, e.g. "
             "`/kiki who owns billing-api?`. Say `/kiki talk to a person about <topic>` for a human.")
