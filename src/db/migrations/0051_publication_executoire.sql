-- Publication (issue #9): the « Certifié exécutoire le … » mention on the published copy. When the
-- prefecture's AR arrives after the act was published, the mention is added to the published copy by a
-- further incremental update (docs/publication.md): sha256/size then name the completed copy and
-- premier_sha256 keeps the copy first put online (an exact prefix of it).
ALTER TABLE publications ADD COLUMN executoire_mention TEXT NOT NULL DEFAULT '';   -- YYYY-MM-DD written on the copy, '' when none
ALTER TABLE publications ADD COLUMN premier_sha256 TEXT NOT NULL DEFAULT '';       -- the first copy, when a mention was added later
