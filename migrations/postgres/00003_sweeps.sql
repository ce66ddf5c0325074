-- +goose Up
-- One row per run of the media expiry sweeper (models.Store.SweepExpired). A run skipped
-- because another instance held the sweep lock is not recorded.
CREATE TABLE sweeps (
    id          bigserial   PRIMARY KEY,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NULL,
    changed     integer     NOT NULL DEFAULT 0,
    error       text        NOT NULL DEFAULT '',
    instance    text        NOT NULL DEFAULT ''
);
CREATE INDEX sweeps_by_start ON sweeps (started_at DESC, id DESC);

-- +goose Down
DROP TABLE sweeps;
