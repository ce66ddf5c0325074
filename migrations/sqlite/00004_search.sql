-- +goose Up
-- Support lookup (issue 8). Text search is an FTS5 external-content table over
-- messages.text, kept in sync by triggers. unicode61 without diacritic folding splits words
-- the way the Postgres index does (see postgres/00004_search.sql).
CREATE VIRTUAL TABLE messages_fts USING fts5(
    text,
    content = 'messages',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 0'
);

-- +goose StatementBegin
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
END;
-- +goose StatementEnd

INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');

-- Exact id lookups without knowing the app.
CREATE INDEX messages_by_chirp_message_id ON messages (chirp_message_id);
CREATE INDEX media_by_media_id ON media (media_id);

-- +goose Down
DROP INDEX media_by_media_id;
DROP INDEX messages_by_chirp_message_id;
DROP TRIGGER messages_fts_update;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_insert;
DROP TABLE messages_fts;
