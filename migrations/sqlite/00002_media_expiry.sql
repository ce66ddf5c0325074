-- +goose Up
-- expires_at is always set: Chirp's expiresAt when a Media API answer gave it
-- (expiry_from_chirp), else predicted as created_at + the organization's retention.
ALTER TABLE media ADD COLUMN expiry_from_chirp boolean NOT NULL DEFAULT 0;
CREATE INDEX media_by_expiry ON media (expires_at);

-- +goose Down
DROP INDEX media_by_expiry;
ALTER TABLE media DROP COLUMN expiry_from_chirp;
