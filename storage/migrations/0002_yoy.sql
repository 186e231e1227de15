-- Year-over-year checks: findings made against the previous year are kept apart so they can be
-- recomputed when that year arrives late; the year compared against is recorded.

ALTER TABLE findings ADD COLUMN origin TEXT NOT NULL DEFAULT 'check';
ALTER TABLE reports ADD COLUMN previous_year INTEGER;
CREATE INDEX findings_rule ON findings(rule);
CREATE VIEW current_reports AS SELECT * FROM reports WHERE superseded_by IS NULL;
