"""Messages that are not questions about the graph (greetings, thanks, "what
can you do?"), answered without touching it, and the words people put in
front of a question ("hey Kiki, quick question: ...")."""
from __future__ import annotations

import re

_CONNECTOR = re.compile(r"^(?:(?:and|also|so|ok|okay|then|now|hey|hi|hello|hiya|yo|kiki|please|pls|um|uh|btw|"
                        r"sorry|quick question|quick q|question|one more thing|good (?:morning|afternoon|evening)|"
                        # asking for an answer, not part of it ("can you tell me how many ...",
                        # "any idea who runs Payments?"); "do you know if ..." stays a yes/no
                        r"(?:can|could|would|will)\s+(?:you|u)(?:\s+please)?\s+(?:tell|show|give|send)\s+(?:me|us)|"
                        r"(?:can|could|would|will)\s+(?:you|u)(?:\s+please)?(?=\s+(?:list|name|count|find|check|"
                        r"look up|show|tell|give|get|say|work out|figure out|pull up)\b)|"
                        r"(?:i\s+)?(?:was\s+|am\s+|'m\s+)?wondering|i\s+wonder|any\s+(?:idea|clue)|"
                        r"(?:do|does)\s+(?:you|u|anyone|anybody)\s+know(?!\s+(?:if|whether)\b)|"
                        r"(?:i\s*)?(?:would like|'d like|’d like|want|need)\s+to\s+(?:know|find out|see)(?!\s+(?:if|whether)\b)|"
                        r"i\s+need|(?:i\s*'?m\s+|i\s+am\s+)?(?:looking for|trying to (?:find out|find|figure out))(?!\s+(?:if|whether)\b)|"
                        r"help me (?:find|figure out)|curious)"
                        r"\b(?!-\w)[,:;!.-]*\s*)+", re.I)  # "hello-world-trpc" is a name, not a greeting
# Messages that are not questions about the graph: answered without touching it.
SMALLTALK = [
    ("greeting", re.compile(r"^(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day))"
                            r"(?: there)?(?: kiki)?$", re.I)),
    ("thanks", re.compile(r"^(?:thanks|thank you|thx|ty|cheers|great|perfect|awesome|cool|nice|ok|okay|got it)"
                          r"(?: (?:so much|a lot|very much|kiki|thanks|thank you))*$", re.I)),
    ("help", re.compile(r"^(?:help|\?|what can you do|what can i ask(?: you)?|who are you|what are you|"
                        r"how do(?:es)? (?:you|this|kiki) work|what is kiki|what's kiki)$", re.I)),
]
_EXAMPLES = ("“who leads *team*?”, “how many people are in *department*?”, “who owns *system* and what "
             "depends on it?”, “what are the steps to *process*?”, “who should I ask about *topic*?”, "
             "“what changed in *team* this quarter?”")
SMALLTALK_REPLIES = {
    "greeting": "Hi! I'm Kiki, an AI assistant that answers from the company's knowledge graph of people, "
                f"teams, departments, systems and processes, and links the pages it used. Try {_EXAMPLES}.",
    "help": "I'm Kiki, an AI assistant. I answer questions about people, teams, departments, systems and "
            "processes from the company's knowledge graph, link every page I used, and say so when the graph "
            f"doesn't know. Try {_EXAMPLES}. Follow-ups work too: “and who leads it?”.",
    "thanks": "You're welcome! Ask me anything else about people, teams, systems or processes.",
}

def smalltalk(question: str) -> str | None:
    """The reply to a greeting, thanks or a request for help; None for a question."""
    q = question.strip().strip("!?., ")
    q = re.sub(r"^@?kiki[,:]?\s+", "", q, flags=re.I)
    for kind, pat in SMALLTALK:
        if pat.match(q) or (q == "" and kind == "help"):
            return SMALLTALK_REPLIES[kind]
    return None


def strip_connectors(question: str) -> str:
    return _CONNECTOR.sub("", question)
