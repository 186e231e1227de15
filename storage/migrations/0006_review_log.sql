-- Every verdict given, reason typed and undo, kept: `reviews` holds only a finding's current verdict,
-- so an undo or a changed verdict lost who had said what, when and why.

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

-- the verdicts given before this log: its first entries
INSERT INTO review_log (agency_id, year, rule, location, action, user_id, user_name, at, reason)
SELECT agency_id, year, rule, location, verdict, user_id, user_name, at, reason FROM reviews ORDER BY at;
