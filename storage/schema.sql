-- The schema as all migrations leave it; a new database is created from this file directly.
-- tests/storage/test_db.py checks that it equals migrations/*.sql applied in order.

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,             -- the fullest name seen, as printed
    short TEXT,                     -- the core unit a person would type (掌政镇)
    created_at TEXT NOT NULL
);

-- Every name an agency went by (normalised), its short names and hand-made aliases.
CREATE TABLE agency_names (
    norm TEXT NOT NULL,
    agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    raw TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('name', 'short', 'alias')),
    PRIMARY KEY (norm, agency_id)
);
CREATE INDEX agency_names_agency ON agency_names(agency_id);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id),
    year INTEGER NOT NULL,
    template TEXT,
    format TEXT,
    file_name TEXT,
    sha256 TEXT NOT NULL UNIQUE,
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    agency_name TEXT,               -- as this report prints it
    agency_short TEXT,
    active_layout TEXT,             -- '2021' | '2019' | NULL: which table-2 layout the cells follow
    meta_json TEXT NOT NULL,        -- the rest of the Report (metadata, sources, paragraphs)
    superseded_by INTEGER REFERENCES reports(id) ON DELETE SET NULL,
    previous_year INTEGER           -- the year the YOY rules compared against
);
CREATE INDEX reports_agency_year ON reports(agency_id, year);
CREATE VIEW current_reports AS SELECT * FROM reports WHERE superseded_by IS NULL;

-- One row per table cell; value NULL is a blank cell, distinct from 0.
CREATE TABLE cells (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    path TEXT NOT NULL,             -- e.g. applications.new_received.total
    value REAL,
    PRIMARY KEY (report_id, path)
) WITHOUT ROWID;
-- no index by path (migration 0005): every read of cells is by report

CREATE TABLE facts (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    value REAL NOT NULL,
    approx INTEGER NOT NULL DEFAULT 0,
    unit TEXT,
    label TEXT,
    section TEXT,
    page INTEGER,
    data_json TEXT NOT NULL,        -- the whole Fact
    PRIMARY KEY (report_id, seq)
);

CREATE TABLE findings (
    report_id INTEGER NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    location TEXT NOT NULL,         -- the finding's `where`
    message TEXT NOT NULL,
    page INTEGER,
    quote TEXT,
    origin TEXT NOT NULL DEFAULT 'check',  -- 'check' (parser/validator) or 'yoy' (recomputed by the store)
    PRIMARY KEY (report_id, seq)
);
CREATE INDEX findings_rule ON findings(rule);

-- Deadline reminders (0003): roster, subscriptions, send log.

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

-- Reviews of findings (0004): keyed by the finding's identity, so they survive re-parsing.
CREATE TABLE reviews (
    agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    rule TEXT NOT NULL,
    location TEXT NOT NULL,         -- the finding's `where`
    verdict TEXT NOT NULL CHECK (verdict IN ('confirmed', 'dismissed')),
    user_id TEXT NOT NULL,          -- 'tg:ID' or 'cli'
    user_name TEXT,                 -- as shown to others (the Telegram name, or the login)
    at TEXT NOT NULL,               -- UTC ISO
    reason TEXT,
    PRIMARY KEY (agency_id, year, rule, location)
);

-- Every verdict given, reason typed and undo (reviews holds only the current verdict)
CREATE TABLE review_log (
    id INTEGER PRIMARY KEY,
    agency_id INTEGER NOT NULL REFERENCES agencies(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    rule TEXT NOT NULL,
    location TEXT NOT NULL,         -- the finding's `where`
    action TEXT NOT NULL CHECK (action IN ('confirmed', 'dismissed', 'reason', 'undone')),
    user_id TEXT,                   -- 'tg:ID' or 'cli'; NULL when not known
    user_name TEXT,
    at TEXT NOT NULL,               -- UTC ISO
    reason TEXT
);

CREATE INDEX review_log_agency_year ON review_log (agency_id, year, id);
