-- Reviews of findings (issue 14): staff mark a finding 属实 (confirmed) or 不是问题 (dismissed).
-- Keyed by the finding's identity — agency, year, rule and `where` — not by a row id, so a review
-- survives the same file sent again, `nianbao reparse` and a new parser version.

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
