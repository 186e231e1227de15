"""The Telegram side of the bot, one module per feature (wired together in bot/app.py).

- `context.py`  — `BotData`, the typed `context.bot_data`, and the `Context` every handler receives
- `texts.py`    — what users read: command list, help, usage lines, status lines
- `access.py`   — the gate every update passes, `@admin_only`, /whoami
- `replies.py`  — sending: a report with its XLSX, long texts split, status edits
- `reports.py`  — commands about stored reports (/compare /list /show /export /delete) and their buttons
- `files.py`    — a report sent as a file: download, check, answer
- `deadlines.py` — /deadlines, /remind, /roster and the reminder jobs
- `general.py`  — /start, /help, photos, chat lines, unknown commands, errors
"""
