-- +goose Up
-- Support lookup (issue 8). Text search uses a GIN index on the message text as a
-- 'simple' tsvector (no stemming, no stop words: support staff search for exact words).
-- The characters that make Postgres' parser keep compound tokens (e-mail addresses, URLs,
-- hosts, paths, hyphenated words, decimals, signed numbers, tags, entities) are turned
-- into spaces first, so that those are indexed as their words, the way SQLite's unicode61
-- tokenizer splits them. Other punctuation already separates words. models/search.go
-- repeats this expression exactly: the planner only uses the index for the same one.
CREATE INDEX messages_text_search ON messages USING gin (
    to_tsvector('simple', translate(text, '@./-:<>&_+', '          '))
);

-- Partial phone numbers ("4567", "555 12") match contact_digits anywhere: trigrams make
-- LIKE '%…%' an index lookup. pg_trgm ships with PostgreSQL (contrib) and is a trusted
-- extension: the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX conversations_contact_digits_trgm ON conversations USING gin (contact_digits gin_trgm_ops);

-- Exact id lookups without knowing the app.
CREATE INDEX messages_by_chirp_message_id ON messages (chirp_message_id);
CREATE INDEX media_by_media_id ON media (media_id);

-- +goose Down
DROP INDEX media_by_media_id;
DROP INDEX messages_by_chirp_message_id;
DROP INDEX conversations_contact_digits_trgm;
DROP INDEX messages_text_search;
