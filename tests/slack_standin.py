"""A local stand-in for Slack's Web API and response_url webhooks, speaking
the real wire format ({"ok": true, ...} JSON, 429 with Retry-After), for
tests and the ack benchmark. It records every call so tests can assert on
what Kiki posted."""
from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

BOT_USER = "U0KIKI"
BOT_ID = "B0KIKI"
TEAM = "T0ACME"


class SlackStandIn:
    def __init__(self, token: str = "xoxb-test-token", users: dict | None = None):
        self.token = token
        # Bot token -> (team id, bot user id): the workspaces Kiki is installed in.
        self.workspaces = {token: (TEAM, BOT_USER)}
        # OAuth: the app's (client_id, client_secret) and one-time codes -> workspace.
        self.oauth_client: tuple[str, str] | None = None
        self.oauth_codes: dict[str, dict] = {}
        # Slack user id -> email (what users.info / users.lookupByEmail know)
        self.users = dict(users or {})
        # Extra users.info fields per user: {"is_restricted": True} for a guest,
        # {"team_id": "T0OTHER"} for a Slack Connect user from another organisation.
        self.user_extra: dict[str, dict] = {}
        self.calls: list[tuple[str, dict]] = []
        self.tokens_used: list[tuple[str, str]] = []   # (method, bot token) of each authorized call
        self.hooks: list[tuple[str, dict]] = []
        self._rate_limits: dict[str, int] = {}
        self._lock = threading.Lock()
        self._ts = 0
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def do_GET(self):
                self._handle()

            def do_POST(self):
                self._handle()

            def _handle(self):
                url = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                params = dict(parse_qsl(url.query))
                ctype = self.headers.get("Content-Type", "")
                if raw and "json" in ctype:
                    params.update(json.loads(raw))
                elif raw:
                    params.update(dict(parse_qsl(raw)))
                status, headers, body = standin.respond(url.path, params, self.headers)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json; charset=utf-8"
                                 if not isinstance(body, bytes) else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- lifecycle ---------------------------------------------------------
    def start(self) -> "SlackStandIn":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def hook_url(self, name: str) -> str:
        return f"{self.url}/hooks/{name}"

    # --- test controls -----------------------------------------------------
    def rate_limit_once(self, method: str, retry_after: int = 1) -> None:
        """The next call to `method` gets HTTP 429 with Retry-After."""
        with self._lock:
            self._rate_limits[method] = retry_after

    def add_install_code(self, code: str, team: str, team_name: str, token: str, bot_user: str) -> None:
        """Slack's answer to oauth.v2.access with `code`: an installation into `team`."""
        with self._lock:
            self.oauth_codes[code] = {"team": team, "team_name": team_name, "token": token, "bot_user": bot_user}

    def reset(self) -> None:
        with self._lock:
            self.workspaces = {self.token: (TEAM, BOT_USER)}
            self.oauth_codes.clear()
            self.oauth_client = None
            self.tokens_used.clear()
            self.calls.clear()
            self.hooks.clear()
            self._rate_limits.clear()

    def calls_to(self, method: str) -> list[dict]:
        with self._lock:
            return [p for m, p in self.calls if m == method]

    def hook_posts(self, name: str | None = None) -> list[dict]:
        with self._lock:
            return [p for n, p in self.hooks if name is None or n == name]

    def wait_for(self, predicate, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.05)
        return predicate()

    # --- the wire format ---------------------------------------------------
    def respond(self, path: str, params: dict, headers) -> tuple[int, dict, object]:
        if path.startswith("/hooks/"):
            with self._lock:
                self.hooks.append((path[len("/hooks/"):], params))
            return 200, {}, b"ok"
        if not path.startswith("/api/"):
            return 404, {}, {"ok": False, "error": "unknown_method"}
        method = path[len("/api/"):]
        with self._lock:
            self.calls.append((method, params))
            retry_after = self._rate_limits.pop(method, None)
        if retry_after is not None:
            return 429, {"Retry-After": str(retry_after)}, {"ok": False, "error": "ratelimited"}
        if method == "oauth.v2.access":
            return 200, {}, self._oauth_access(params, headers.get("Authorization") or "")
        token = (headers.get("Authorization") or "").removeprefix("Bearer ")
        if token not in self.workspaces:
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        with self._lock:
            self.tokens_used.append((method, token))
        return 200, {}, self._answer(method, params, *self.workspaces[token])

    def _oauth_access(self, params: dict, authorization: str) -> dict:
        """oauth.v2.access: the app's credentials (HTTP Basic) and a one-time code."""
        expected = self.oauth_client and "Basic " + base64.b64encode(":".join(self.oauth_client).encode()).decode()
        if not expected or authorization != expected:
            return {"ok": False, "error": "invalid_client_id"}
        with self._lock:
            grant = self.oauth_codes.pop(params.get("code") or "", None)
            if grant is None:
                return {"ok": False, "error": "invalid_code"}
            self.workspaces[grant["token"]] = (grant["team"], grant["bot_user"])
        return {"ok": True, "app_id": "A0KIKI", "authed_user": {"id": "U0ADMIN"}, "token_type": "bot",
                "scope": "app_mentions:read,chat:write,commands", "access_token": grant["token"],
                "bot_user_id": grant["bot_user"], "team": {"id": grant["team"], "name": grant["team_name"]},
                "enterprise": None, "is_enterprise_install": False}

    def _next_ts(self) -> str:
        with self._lock:
            self._ts += 1
            return f"{int(time.time())}.{self._ts:06d}"

    def _answer(self, method: str, p: dict, team: str = TEAM, bot_user: str = BOT_USER) -> dict:
        if method == "auth.test":
            return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "kiki",
                    "team_id": team, "user_id": bot_user, "bot_id": BOT_ID, "is_enterprise_install": False}
        if method == "chat.postMessage":
            ts = self._next_ts()
            return {"ok": True, "channel": p.get("channel"), "ts": ts,
                    "message": {"type": "message", "bot_id": BOT_ID, "user": BOT_USER, "ts": ts,
                                "text": p.get("text", ""), "blocks": p.get("blocks", [])}}
        if method == "chat.update":
            return {"ok": True, "channel": p.get("channel"), "ts": p.get("ts"), "text": p.get("text", "")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "reactions.add":
            return {"ok": True}
        if method == "views.publish":
            view = p.get("view")
            view = json.loads(view) if isinstance(view, str) else view
            return {"ok": True, "view": {"id": "V0HOME", "type": "home", **(view or {})}}
        if method == "users.info":
            user = p.get("user")
            if user not in self.users:
                return {"ok": False, "error": "user_not_found"}
            profile = {"real_name": user}
            if self.users[user]:
                profile["email"] = self.users[user]
            return {"ok": True, "user": {"id": user, "team_id": TEAM, "name": user.lower(), "profile": profile,
                                         **self.user_extra.get(user, {})}}
        if method == "users.lookupByEmail":
            for user, email in self.users.items():
                if email and email.lower() == (p.get("email") or "").lower():
                    return {"ok": True, "user": {"id": user, "team_id": TEAM, "profile": {"email": email}}}
            return {"ok": False, "error": "users_not_found"}
        return {"ok": False, "error": "unknown_method"}
