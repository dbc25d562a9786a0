"""`manage.py ask "question" [--as person-key] [--json]`: ask Kiki from the shell.
With no question, reads one question per line from stdin and prints one JSON
object per line (the /api/ask shape), reusing one process, driver and
conversation-free context for all of them (benchmarks, batch checks)."""
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from kiki.errors import GraphUnavailable, InvalidInput


class Command(BaseCommand):
    help = "Ask Kiki's assistant a question (or one per stdin line, printing JSON lines)."

    def add_arguments(self, parser):
        parser.add_argument("question", nargs="*", help="the question; omit to read questions from stdin")
        parser.add_argument("--as", dest="asker", default=None, help="Person key of the asker (for 'my team')")
        parser.add_argument("--json", action="store_true", help="print the full result as JSON")
        parser.add_argument("--conversation", default=None, help="continue this conversation id")
        parser.add_argument("--channel", default="cli")

    def handle(self, *args, **opts):
        from kiki.assistant import ask

        question = " ".join(opts["question"]).strip()
        try:
            if question:
                result = ask(question, asker=opts["asker"], conversation=opts["conversation"],
                             channel=opts["channel"])
                if opts["json"]:
                    self.stdout.write(json.dumps(result, ensure_ascii=False))
                else:
                    self.stdout.write(result["answer"])
                    if result.get("reading"):
                        self.stdout.write(f"\n(I read this as: {result['reading']})")
                    if result["sources"]:
                        self.stdout.write("\nSources: " + ", ".join(s["url"] for s in result["sources"]))
                    self.stdout.write(f"\n[{result['mode']}] {result['note']}")
                return
            for line in sys.stdin:
                q = line.strip()
                if not q:
                    continue
                try:
                    result = ask(q, asker=opts["asker"], channel=opts["channel"])
                except InvalidInput as e:
                    result = {"question": q, "error": {"code": e.code, "message": e.message}}
                else:
                    result = {"question": q, **result}
                self.stdout.write(json.dumps(result, ensure_ascii=False))
                self.stdout.flush()
        except GraphUnavailable as e:
            raise CommandError(f"The knowledge graph is unavailable: {e}") from e
        except InvalidInput as e:
            raise CommandError(e.message) from e
