-- Each job carries its kind's lease, so the claim sets the right one atomically (a worker killed
-- right after claiming must not hold a job for longer than its kind allows).
ALTER TABLE jobs ADD COLUMN lease INTEGER NOT NULL DEFAULT 300;
