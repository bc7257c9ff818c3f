-- A line's detail (a binary line's legs and carries, a board's seats) is written once and
-- read back whole, never queried inside: stored as the JSON text it arrives as instead of
-- parsed into jsonb for each of the 350,000 binary lines of a million-member run (about
-- a second of the lines' COPY on the database's side: 3,777,981 lines of a bench run
-- COPYed from a file on the server, 13.7 s into jsonb, 12.3–12.7 s into json).
ALTER TABLE "commission_line" ALTER COLUMN "detail" TYPE json USING "detail"::json;
