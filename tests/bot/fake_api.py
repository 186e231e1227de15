"""A fake Telegram Bot API server on 127.0.0.1 for end-to-end tests of the real PTB Application.

It speaks the HTTP protocol PTB uses (POST /bot<token>/<method>, form-encoded or multipart;
GET /file/bot<token>/<path> for downloads), queues updates the test makes (a user sending a
text, a file, pressing a button), long-polls them out through getUpdates, and records every
call and every message the bot sends or edits so the test can assert what the user saw.
"""

from __future__ import annotations

import asyncio
import email.parser
import email.policy
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote

BOT_ID = 7000001
BOT_USER = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "年报助手",
    "username": "nianbao_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
TOKEN = f"{BOT_ID}:TEST-token_abcdefghijklmnopqrstuvwxyz"


@dataclass
class Call:
    method: str
    params: dict
    at: float


@dataclass
class BotMessage:
    message_id: int
    chat_id: int
    text: str | None = None
    history: list[str] = field(default_factory=list)  # every text it had, first to last
    reply_markup: dict | None = None
    reply_to: int | None = None
    document: tuple[str, bytes] | None = None  # file name, bytes
    photo: bytes | None = None  # the picture uploaded with sendPhoto
    caption: str | None = None
    at: float = 0.0


class FakeBotAPI:
    refuse_edits = False  # True: every edit fails as if the user had deleted the message

    def __init__(self, token: str = TOKEN, max_poll: float = 0.5):
        self.token = token
        self.max_poll = max_poll  # cap on getUpdates long polling, so tests stop quickly
        self.calls: list[Call] = []
        self.messages: dict[int, BotMessage] = {}
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_unique_id, data)
        self.file_paths: dict[str, str] = {}  # file_path -> file_id
        self.downloads: list[str] = []
        self._updates: list[tuple[dict, bool]] = []  # (update, forced: re-delivered whatever the offset)
        self._confirmed = 0
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(100)
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- server ----

    def start(self) -> FakeBotAPI:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else each small reply waits ~40 ms for a delayed ACK

            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                api._get(self)

            def do_POST(self):
                api._post(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ---- what a user does ----

    def _user(self, user_id: int) -> dict:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"用户{user_id}",
            "username": f"user{user_id}",
            "language_code": "zh-hans",
        }

    def _chat(self, chat_id: int, user_id: int) -> dict:
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": "政务公开工作群"}
        return {
            "id": chat_id,
            "type": "private",
            "first_name": f"用户{user_id}",
            "username": f"user{user_id}",
        }

    def _message(self, user_id: int, chat_id: int | None) -> dict:
        chat_id = user_id if chat_id is None else chat_id
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id, user_id),
            "from": self._user(user_id),
        }

    def push(self, update: dict, forced: bool = False) -> dict:
        with self._cond:
            self._updates.append((update, forced))
            self._cond.notify_all()
        return update

    def send_text(
        self, text: str, user_id: int, chat_id: int | None = None, *, reply_to: int | None = None
    ) -> dict:
        """A text, or a command; `reply_to`: the bot's message it answers (swipe to reply, or a ForceReply)."""
        message = self._message(user_id, chat_id) | {"text": text}
        if reply_to is not None:
            message["reply_to_message"] = self._as_json(self.messages[reply_to])
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        return self.push({"update_id": next(self._update_ids), "message": message})

    def add_file(self, data: bytes, file_unique_id: str | None = None) -> tuple[str, str]:
        n = next(self._ids)
        file_id = f"FILE{n:06d}" + "x" * 20
        unique = file_unique_id or f"U{n:06d}"
        self.files[file_id] = (unique, data)
        return file_id, unique

    def send_file(
        self,
        data: bytes,
        file_name: str | None,
        user_id: int,
        chat_id: int | None = None,
        *,
        mime_type: str | None = None,
        file_size: int | None = None,
        file_unique_id: str | None = None,
    ) -> dict:
        file_id, unique = self.add_file(data, file_unique_id)
        doc = {
            "file_id": file_id,
            "file_unique_id": unique,
            "file_size": len(data) if file_size is None else file_size,
        }
        if file_name:
            doc["file_name"] = file_name
        if mime_type:
            doc["mime_type"] = mime_type
        message = self._message(user_id, chat_id) | {"document": doc}
        return self.push({"update_id": next(self._update_ids), "message": message})

    def send_photo(self, user_id: int, chat_id: int | None = None) -> dict:
        file_id, unique = self.add_file(b"\xff\xd8\xff" + b"0" * 100)
        photo = [{"file_id": file_id, "file_unique_id": unique, "width": 90, "height": 90, "file_size": 103}]
        return self.push(
            {
                "update_id": next(self._update_ids),
                "message": self._message(user_id, chat_id) | {"photo": photo},
            }
        )

    def click(self, message_id: int, data: str, user_id: int, chat_id: int | None = None) -> dict:
        chat_id = user_id if chat_id is None else chat_id
        bot_message = self.messages[message_id]
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(chat_id, user_id),
            "from": BOT_USER,
            "text": bot_message.text or "",
        }
        if bot_message.reply_markup and "inline_keyboard" in bot_message.reply_markup:  # the keyboard pressed
            message["reply_markup"] = bot_message.reply_markup
        query = {
            "id": str(next(self._ids)),
            "from": self._user(user_id),
            "chat_instance": str(chat_id),
            "message": message,
            "data": data,
        }
        return self.push({"update_id": next(self._update_ids), "callback_query": query})

    def redeliver(self, update: dict) -> dict:
        """The same update again, as Telegram does when the bot did not confirm it (crash, timeout)."""
        return self.push(update, forced=True)

    # ---- what the test reads ----

    def called(self, method: str) -> list[Call]:
        return [c for c in list(self.calls) if c.method == method]

    def chat_messages(self, chat_id: int) -> list[BotMessage]:
        return sorted(
            (m for m in list(self.messages.values()) if m.chat_id == chat_id), key=lambda m: m.message_id
        )

    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.chat_messages(chat_id) if m.text is not None]

    def documents(self, chat_id: int) -> list[BotMessage]:
        return [m for m in self.chat_messages(chat_id) if m.document is not None]

    def photos(self, chat_id: int) -> list[BotMessage]:
        return [m for m in self.chat_messages(chat_id) if m.photo is not None]

    def replies_to(self, message_id: int) -> list[BotMessage]:
        return sorted(
            (m for m in list(self.messages.values()) if m.reply_to == message_id), key=lambda m: m.message_id
        )

    async def wait_for(self, predicate, timeout: float = 30.0, what: str = "condition"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            await asyncio.sleep(0.005)
        raise AssertionError(
            f"timed out waiting for {what}; bot calls: "
            f"{[c.method for c in self.calls if c.method != 'getUpdates']}"
        )

    # ---- HTTP ----

    def _get(self, req: BaseHTTPRequestHandler) -> None:
        prefix = f"/file/bot{self.token}/"
        path = unquote(req.path)
        if not path.startswith(prefix):
            return self._send(req, 404, b"not found", "text/plain")
        file_path = path[len(prefix) :]
        file_id = self.file_paths.get(file_path)
        if file_id is None:
            return self._send(req, 404, b"not found", "text/plain")
        self.downloads.append(file_id)
        self._send(req, 200, self.files[file_id][1], "application/octet-stream")

    def _post(self, req: BaseHTTPRequestHandler) -> None:
        prefix = f"/bot{self.token}/"
        length = int(req.headers.get("Content-Length") or 0)
        body = req.rfile.read(length) if length else b""
        path = unquote(req.path)
        if not path.startswith(prefix):
            return self._reply(req, {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        method = path[len(prefix) :]
        params, uploads = self._params(req.headers.get("Content-Type") or "", body)
        self.calls.append(Call(method, params, time.monotonic()))
        handler = getattr(self, f"_api_{method}", None)
        try:
            result = handler(params, uploads) if handler else True
        except _ApiError as exc:
            return self._reply(
                req, {"ok": False, "error_code": exc.code, "description": exc.description}, exc.code
            )
        self._reply(req, {"ok": True, "result": result})

    @staticmethod
    def _params(content_type: str, body: bytes) -> tuple[dict, dict[str, tuple[str, bytes]]]:
        params: dict = {}
        uploads: dict[str, tuple[str, bytes]] = {}
        if content_type.startswith("multipart/form-data"):
            msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                f"Content-Type: {content_type}\r\n\r\n".encode() + body
            )
            for part in msg.iter_parts():
                name = part.get_param("name", header="content-disposition")
                filename = part.get_filename()
                payload = part.get_payload(decode=True) or b""
                if filename is not None:
                    uploads[name] = (filename, payload)
                else:
                    params[name] = payload.decode("utf-8")
        elif body:
            params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        for key, value in list(params.items()):
            if isinstance(value, str) and value[:1] in "[{":
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    pass
        return params, uploads

    def _reply(self, req, payload: dict, status: int = 200) -> None:
        self._send(req, status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

    @staticmethod
    def _send(req, status: int, data: bytes, content_type: str) -> None:
        try:
            req.send_response(status)
            req.send_header("Content-Type", content_type)
            req.send_header("Content-Length", str(len(data)))
            req.end_headers()
            req.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    # ---- Bot API methods ----

    def _api_getMe(self, p, u):
        return BOT_USER

    def _api_getUpdates(self, p, u):
        offset = int(p.get("offset") or 0)
        timeout = min(float(p.get("timeout") or 0), self.max_poll)
        deadline = time.monotonic() + timeout
        with self._cond:
            if offset:
                # Updates below the offset are confirmed: Telegram forgets them.
                self._updates = [
                    (up, forced) for up, forced in self._updates if up["update_id"] >= offset or forced
                ]
            while True:
                ready = [(up, forced) for up, forced in self._updates if forced or up["update_id"] >= offset]
                if ready or time.monotonic() >= deadline:
                    break
                self._cond.wait(max(0.0, deadline - time.monotonic()))
            limit = int(p.get("limit") or 100)
            out = ready[:limit]
            # A forced (re-delivered) update goes out once; normal ones stay until confirmed by offset.
            for item in out:
                if item[1]:
                    self._updates.remove(item)
            return [up for up, _ in out]

    def _api_getFile(self, p, u):
        file_id = p.get("file_id")
        if file_id not in self.files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        unique, data = self.files[file_id]
        path = f"documents/{file_id}.bin"
        self.file_paths[path] = file_id
        return {"file_id": file_id, "file_unique_id": unique, "file_size": len(data), "file_path": path}

    def _new_message(self, p: dict, **fields) -> BotMessage:
        chat_id = int(p["chat_id"])
        reply_to = p.get("reply_to_message_id")
        if reply_to is None and isinstance(p.get("reply_parameters"), dict):
            reply_to = p["reply_parameters"].get("message_id")
        msg = BotMessage(
            message_id=next(self._ids),
            chat_id=chat_id,
            reply_to=int(reply_to) if reply_to is not None else None,
            at=time.monotonic(),
            **fields,
        )
        self.messages[msg.message_id] = msg
        return msg

    def _as_json(self, msg: BotMessage) -> dict:
        out = {
            "message_id": msg.message_id,
            "date": int(time.time()),
            "chat": self._chat(msg.chat_id, msg.chat_id),
            "from": BOT_USER,
        }
        if msg.text is not None:
            out["text"] = msg.text
        if msg.reply_markup and "inline_keyboard" in msg.reply_markup:  # Telegram shows inline keyboards only
            out["reply_markup"] = msg.reply_markup
        if msg.document is not None:
            n = next(self._ids)
            out["document"] = {
                "file_id": f"SENT{n}",
                "file_unique_id": f"S{n}",
                "file_name": msg.document[0],
                "file_size": len(msg.document[1]),
            }
        if msg.photo is not None:
            n = next(self._ids)
            out["photo"] = [
                {
                    "file_id": f"PHOTO{n}",
                    "file_unique_id": f"P{n}",
                    "width": 1280,
                    "height": 720,
                    "file_size": len(msg.photo),
                }
            ]
        if msg.caption:
            out["caption"] = msg.caption
        return out

    def _api_sendMessage(self, p, u):
        text = p.get("text") or ""
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        markup = p.get("reply_markup") if isinstance(p.get("reply_markup"), dict) else None
        msg = self._new_message(p, text=text, history=[text], reply_markup=markup)
        return self._as_json(msg)

    def _api_editMessageText(self, p, u):
        msg = self.messages.get(int(p.get("message_id") or 0))
        if msg is None or self.refuse_edits:
            raise _ApiError(400, "Bad Request: message to edit not found")
        text = p.get("text") or ""
        if len(text) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        if text == msg.text:
            raise _ApiError(400, "Bad Request: message is not modified")
        msg.text = text
        msg.history.append(text)
        msg.reply_markup = p.get("reply_markup") if isinstance(p.get("reply_markup"), dict) else None
        return self._as_json(msg)

    def _api_editMessageReplyMarkup(self, p, u):
        msg = self.messages.get(int(p.get("message_id") or 0))
        if msg is None or self.refuse_edits:
            raise _ApiError(400, "Bad Request: message to edit not found")
        markup = p.get("reply_markup") if isinstance(p.get("reply_markup"), dict) else None
        if markup == msg.reply_markup:
            raise _ApiError(400, "Bad Request: message is not modified")
        msg.reply_markup = markup
        return self._as_json(msg)

    def _api_sendDocument(self, p, u):
        if "document" not in u:
            raise _ApiError(400, "Bad Request: there is no document in the request")
        msg = self._new_message(p, document=u["document"], caption=p.get("caption"))
        return self._as_json(msg)

    def _api_sendPhoto(self, p, u):
        if "photo" not in u:
            raise _ApiError(400, "Bad Request: there is no photo in the request")
        if len(p.get("caption") or "") > 1024:
            raise _ApiError(400, "Bad Request: message caption is too long")
        msg = self._new_message(p, photo=u["photo"][1], caption=p.get("caption"))
        return self._as_json(msg)

    def _api_getMyCommands(self, p, u):
        setters = self.called("setMyCommands")
        return setters[-1].params.get("commands", []) if setters else []


class _ApiError(Exception):
    def __init__(self, code: int, description: str):
        self.code = code
        self.description = description


# ---------------------------------------------------------------- the bot under test

USER = 1001  # allowed
ADMIN = 1002  # admin
STRANGER = 2002  # not allowed
GROUP = -100500  # an allowed staff group


class BotHarness:
    """The real Application polling the fake server, started as `run_polling` starts it.

    `async with BotHarness(tmp_path) as bot:` then `bot.api.send_file(...)` and assert on `bot.api`.
    """

    def __init__(self, tmp_path, *, rate_limiter: bool = False, **overrides):
        from bot.settings import Settings

        self.api = FakeBotAPI()
        self.db = tmp_path / "nianbao.db"
        self._overrides = overrides
        self._rate_limiter = rate_limiter
        self._settings_cls = Settings
        self.app = None

    @property
    def settings(self):
        return self.app.bot_data.settings

    @property
    def state(self):
        return self.app.bot_data  # bot.telegram.context.BotData: checker, files remembered, …

    async def __aenter__(self) -> BotHarness:
        from bot.app import build_application

        self.api.start()
        values = dict(
            bot_token=self.api.token,
            bot_api_base_url=self.api.base_url,
            bot_api_file_url=self.api.base_file_url,
            nianbao_db=self.db,
            allowed_user_ids={USER},
            admin_user_ids={ADMIN},
            allowed_chat_ids={GROUP},
            parse_workers=2,
            parse_timeout=30,
        )
        values.update(self._overrides)
        settings = self._settings_cls(_env_file=None, **values)
        self.app = build_application(settings, rate_limiter=self._rate_limiter)
        await self.app.initialize()
        await self.app.post_init(self.app)
        await self.app.updater.start_polling(
            poll_interval=0.0, timeout=0.3, allowed_updates=["message", "callback_query"]
        )
        await self.app.start()
        return self

    async def stop(self) -> None:
        if self.app is None:
            return
        app, self.app = self.app, None
        self.app_stopped = app
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await app.post_shutdown(app)

    async def __aexit__(self, *exc) -> None:
        try:
            await self.stop()
        finally:
            self.api.stop()

    # ---- conveniences ----

    async def reply_to_file(self, update: dict, timeout: float = 60.0) -> list[BotMessage]:
        """Wait until the bot has answered a sent file (final status and XLSX, or an error).

        Returns the bot's messages quoting that file: the status message first, the XLSX last.
        """
        message_id = update["message"]["message_id"]

        def finished():
            replies = self.api.replies_to(message_id)
            if not replies:
                return None
            status = replies[0]
            if status.text and status.text.startswith(("❌", "⚠️")):
                return replies
            if status.text and status.text.startswith("✅") and any(m.document for m in replies):
                return replies
            return None

        await self.api.wait_for(finished, timeout, f"the reply to message {message_id}")
        return self.api.replies_to(message_id)

    async def command(
        self,
        text: str,
        user_id: int = USER,
        chat_id: int | None = None,
        count: int = 1,
        timeout: float = 20.0,
    ) -> list[BotMessage]:
        """Send a command, wait for `count` new bot messages in the chat, return them."""
        chat = user_id if chat_id is None else chat_id
        before = {m.message_id for m in self.api.chat_messages(chat)}
        self.api.send_text(text, user_id, chat_id)

        def new():
            out = [m for m in self.api.chat_messages(chat) if m.message_id not in before]
            return out if len(out) >= count else None

        await self.api.wait_for(new, timeout, f"{count} replies to {text!r}")
        await asyncio.sleep(0.05)
        return [m for m in self.api.chat_messages(chat) if m.message_id not in before]
