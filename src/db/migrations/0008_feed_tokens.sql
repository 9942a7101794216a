-- Calendar subscription links (« liens d'abonnement d'agenda »): an API token marked feed = 1 is read
-- from the URL's `jeton` parameter, because calendar programs cannot send an Authorization header. It
-- is accepted only on the routes flagged RF_FEED (read-only ICS feeds) and refused as a Bearer token; an
-- ordinary API token is refused in a URL (it would end up in calendar settings and proxies' logs).
ALTER TABLE api_tokens ADD COLUMN feed INTEGER NOT NULL DEFAULT 0;
