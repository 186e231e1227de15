-- Deadline reminders: the agencies expected to report (the roster), the chats that asked for
-- reminders, and a log of reminders sent so that each goes out once per chat, across restarts.

-- Roster names resolve to stored agencies when read (as the store resolves a report's name), so a
-- listed agency whose first report arrives later is matched then.
CREATE TABLE roster (
    id INTEGER PRIMARY KEY,         -- keeps the order the list was given in
    norm TEXT NOT NULL UNIQUE,      -- storage.agencies.normalise(name)
    name TEXT NOT NULL,             -- as entered
    kind TEXT NOT NULL CHECK (kind IN ('部门', '乡镇', '街道', '县级政府', '市级政府', '省级政府')),
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
);

CREATE TABLE reminder_subscriptions (
    chat_id INTEGER PRIMARY KEY,
    title TEXT,
    subscribed_by TEXT NOT NULL,
    subscribed_at TEXT NOT NULL     -- UTC ISO; reminders due before this are not owed to the chat
);

-- One row per reminder a chat was sent (or is being sent): the UNIQUE key is the claim that
-- stops a second process, a second check or a restart from sending it again.
CREATE TABLE reminder_log (
    chat_id INTEGER NOT NULL,
    report_year INTEGER NOT NULL,
    deadline TEXT NOT NULL,         -- the kinds sharing the due date, e.g. '部门,乡镇,街道'
    day INTEGER NOT NULL,           -- days before the due date; -1 is the notice the day after
    status TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'blocked')),
    missing INTEGER,                -- how many agencies the reminder listed
    at TEXT NOT NULL,
    UNIQUE (chat_id, report_year, deadline, day)
);
