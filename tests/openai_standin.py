"""A local stand-in for an OpenAI-compatible chat-completions server (a real
HTTP server in a thread, speaking the real wire format: JSON requests, and
streamed `data: {chunk}\\n\\n` ... `data: [DONE]` responses with `tool_calls`).

Each test gives it a `brain`: a function from the request body to a reply,
one of
  Text("...")                      stream a final answer in small chunks
  Calls([("tool", '{"json": 1}')])  stream tool calls (arguments split in pieces)
  Fail(500) / Sleep(seconds)       an HTTP error / a server too slow to answer
Every request body is kept in `.requests` for assertions.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


@dataclass
class Text:
    text: str


@dataclass
class Calls:
    calls: list[tuple[str, str]]


@dataclass
class Fail:
    status: int = 500


@dataclass
class Sleep:
    seconds: float


def _chunk(delta: dict, finish: str | None = None) -> bytes:
    body = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": "test-model", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return f"data: {json.dumps(body)}\n\n".encode()


class OpenAIStandIn:
    def __init__(self, brain: Callable[[dict], object]):
        self.brain = brain
        self.requests: list[dict] = []
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                standin.requests.append({"path": self.path, "body": body,
                                         "auth": self.headers.get("Authorization")})
                if not self.path.endswith("/chat/completions"):
                    return self._json(404, {"error": {"message": "not found"}})
                reply = standin.brain(body)
                if isinstance(reply, Sleep):
                    time.sleep(reply.seconds)
                    reply = Text("too late")
                if isinstance(reply, Fail):
                    return self._json(reply.status, {"error": {"message": "internal error", "type": "server_error"}})
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                if isinstance(reply, Text):
                    self.wfile.write(_chunk({"role": "assistant", "content": ""}))
                    words = reply.text.split(" ")
                    for i, w in enumerate(words):
                        self.wfile.write(_chunk({"content": w + (" " if i < len(words) - 1 else "")}))
                        self.wfile.flush()
                    self.wfile.write(_chunk({}, "stop"))
                elif isinstance(reply, Calls):
                    self.wfile.write(_chunk({"role": "assistant", "content": None}))
                    for i, (name, args) in enumerate(reply.calls):
                        half = len(args) // 2
                        self.wfile.write(_chunk({"tool_calls": [{
                            "index": i, "id": f"call_{i}", "type": "function",
                            "function": {"name": name, "arguments": args[:half]}}]}))
                        self.wfile.write(_chunk({"tool_calls": [{
                            "index": i, "function": {"arguments": args[half:]}}]}))
                    self.wfile.write(_chunk({}, "tool_calls"))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def _json(self, status, obj):
                data = json.dumps(obj).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data)
                self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def tool_messages(body: dict) -> list[dict]:
    return [m for m in body["messages"] if m.get("role") == "tool"]


def tool_data(message: dict) -> dict:
    """The data a tool result carried (inside our untrusted-data envelope)."""
    return json.loads(message["content"])["data"]
