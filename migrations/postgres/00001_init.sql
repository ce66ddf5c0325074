-- +goose Up
-- The organization: exactly one row.
CREATE TABLE organization (
    id                   smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    name                 text        NOT NULL DEFAULT 'My organization',
    media_retention_days integer     NOT NULL DEFAULT 90 CHECK (media_retention_days BETWEEN 1 AND 3650),
    retention_updated_by text        NOT NULL DEFAULT '',
    retention_updated_at timestamptz NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);
INSERT INTO organization (id) VALUES (1);

-- Chirp applications. The app key is sealed with AES-256-GCM; only a masked preview is shown.
CREATE TABLE apps (
    id                  bigserial   PRIMARY KEY,
    app_id              text        NOT NULL UNIQUE,
    name                text        NOT NULL,
    key_sealed          bytea       NOT NULL,
    key_preview         text        NOT NULL,
    mode                text        NOT NULL CHECK (mode IN ('test', 'live')),
    webhook_secret_hash text        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conversations (
    id              bigserial   PRIMARY KEY,
    app_id          bigint      NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    channel         text        NOT NULL CHECK (channel IN ('sms', 'whatsapp')),
    business_number text        NOT NULL,
    contact_number  text        NOT NULL,
    contact_digits  text        NOT NULL,
    last_message_at timestamptz NOT NULL,
    last_snippet    text        NOT NULL DEFAULT '',
    message_count   integer     NOT NULL DEFAULT 0,
    media_count     integer     NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (app_id, channel, business_number, contact_number)
);
CREATE INDEX conversations_by_activity ON conversations (last_message_at DESC, id DESC);
CREATE INDEX conversations_by_contact_digits ON conversations (contact_digits);

CREATE TABLE messages (
    id               bigserial   PRIMARY KEY,
    app_id           bigint      NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    conversation_id  bigint      NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    chirp_message_id text        NOT NULL,
    direction        text        NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    type             text        NOT NULL,
    text             text        NOT NULL DEFAULT '',
    subject          text        NOT NULL DEFAULT '',
    status           text        NOT NULL CHECK (status IN ('received', 'sent', 'delivered', 'read', 'failed')),
    error_message    text        NOT NULL DEFAULT '',
    sent_at          timestamptz NOT NULL,
    delivered_at     timestamptz NULL,
    read_at          timestamptz NULL,
    failed_at        timestamptz NULL,
    received_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (app_id, chirp_message_id)
);
CREATE INDEX messages_by_conversation_time ON messages (conversation_id, sent_at DESC, id DESC);
CREATE INDEX messages_by_time ON messages (sent_at DESC, id DESC);

CREATE TABLE media (
    id              bigserial   PRIMARY KEY,
    media_id        text        NULL,
    message_id      bigint      NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    app_id          bigint      NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    conversation_id bigint      NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    channel         text        NOT NULL,
    position        integer     NOT NULL DEFAULT 0,
    kind            text        NOT NULL CHECK (kind IN ('image', 'video', 'audio', 'document', 'sticker')),
    mime_type       text        NOT NULL DEFAULT '',
    size_bytes      bigint      NOT NULL DEFAULT 0,
    filename        text        NOT NULL DEFAULT '',
    caption         text        NOT NULL DEFAULT '',
    sha256          text        NOT NULL DEFAULT '',
    is_voice_note   boolean     NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NULL,
    gone_at         timestamptz NULL,
    expired_at      timestamptz NULL,
    last_error      text        NOT NULL DEFAULT '',
    last_checked_at timestamptz NULL,
    UNIQUE (app_id, media_id),
    UNIQUE (message_id, position)
);
CREATE INDEX media_by_time ON media (created_at DESC, id DESC);
CREATE INDEX media_by_app_time ON media (app_id, created_at DESC, id DESC);
CREATE INDEX media_by_kind_time ON media (kind, created_at DESC, id DESC);
CREATE INDEX media_by_conversation_time ON media (conversation_id, created_at DESC, id DESC);

CREATE TABLE users (
    id            bigserial   PRIMARY KEY,
    email         text        NOT NULL,
    name          text        NOT NULL DEFAULT '',
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('admin', 'support', 'viewer')),
    disabled      boolean     NOT NULL DEFAULT false,
    session_epoch integer     NOT NULL DEFAULT 1,
    last_login_at timestamptz NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_by_email ON users (lower(email));

-- Append-only audit log.
CREATE TABLE audit_events (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint      NULL,
    actor_email text        NOT NULL DEFAULT '',
    action      text        NOT NULL,
    target      text        NOT NULL DEFAULT '',
    details     text        NOT NULL DEFAULT '',
    client_ip   text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_by_time ON audit_events (at DESC, id DESC);
CREATE INDEX audit_events_by_action ON audit_events (action, at DESC);

-- +goose Down
DROP TABLE audit_events;
DROP TABLE users;
DROP TABLE media;
DROP TABLE messages;
DROP TABLE conversations;
DROP TABLE apps;
DROP TABLE organization;
