-- Archived folders (0 = not archived): out of the « traités » and « rejetés » trays, in « archivés »,
-- still readable and exportable.
ALTER TABLE folders ADD COLUMN archived_at BIGINT NOT NULL DEFAULT 0;
