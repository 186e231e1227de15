-- The index of cells by path goes: no query reads cells by path (every read is by report, through the
-- primary key), and keeping it cost every save a write all over the index (a report's ~250 paths land
-- on ~250 different pages), a third of an import's saving time. A query across reports by path scans
-- the table, which for a county's reports takes milliseconds.

DROP INDEX IF EXISTS cells_path;
