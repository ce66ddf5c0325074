package modelstest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/aviaryhq/aviary/migrations"
	"github.com/aviaryhq/aviary/models"
)

// LargeSeed describes the synthetic history SeedLarge builds.
type LargeSeed struct {
	Messages      int
	Conversations int
	// Start is the time of the oldest message; messages are two seconds apart.
	Start time.Time
}

// benchWords is the vocabulary of seeded messages: each message has four of them, so
// each word appears in about one message in ten.
var benchWords = []string{"refund", "order", "delayed", "thanks", "hello", "invoice", "payment", "shipping",
	"address", "change", "cancel", "please", "today", "tomorrow", "question", "help", "account", "password",
	"delivery", "tracking", "number", "received", "missing", "item", "photo", "receipt", "store", "open",
	"hours", "call", "back", "urgent", "issue", "fixed", "great", "service", "wrong", "size", "return", "label"}

// SeedLarge fills a fresh, migrated Postgres database with a synthetic message history in
// a few set-based statements (INSERT … SELECT FROM generate_series): two apps, the
// conversations (contacts +1 555 followed by 7 scattered digits), the messages (four
// vocabulary words and a "refNNNNN" token each) and an image on every tenth message.
func SeedLarge(ctx context.Context, s *models.Store, seed LargeSeed) error {
	if s.Dialect() != migrations.Postgres {
		return fmt.Errorf("modelstest: SeedLarge needs Postgres")
	}
	db, err := s.SQLDB()
	if err != nil {
		return err
	}
	var apps [2]int64
	for i := range apps {
		a, _, err := s.CreateApp(ctx, models.NewApp{AppID: fmt.Sprintf("app_benchmark%02dabcdef", i), Name: fmt.Sprintf("Bench app %d", i+1),
			Key: "sk_test_app_benchmark0123456789"})
		if err != nil {
			return err
		}
		apps[i] = a.ID
	}
	words := "ARRAY['" + strings.Join(benchWords, "','") + "']"
	conversations := `INSERT INTO conversations (app_id, channel, business_number, contact_number, contact_digits, last_message_at, created_at)
		SELECT CASE WHEN i % 2 = 0 THEN $1::bigint ELSE $2::bigint END, CASE WHEN i % 3 = 0 THEN 'sms' ELSE 'whatsapp' END, '+15559876543',
		       '+1555' || lpad(((i * 7919) % 10000000)::text, 7, '0'), '1555' || lpad(((i * 7919) % 10000000)::text, 7, '0'), $3, $3
		FROM generate_series(1::bigint, $4::bigint) AS i`
	messages := fmt.Sprintf(`INSERT INTO messages (app_id, conversation_id, chirp_message_id, direction, type, text, status, sent_at, received_at)
		SELECT c.app_id, c.id, 'msg_bench' || g, CASE WHEN g %% 3 = 0 THEN 'outbound' ELSE 'inbound' END, 'text',
		       w[1 + abs(hashint8(g * 4) %% %[2]d)] || ' ' || w[1 + abs(hashint8(g * 4 + 1) %% %[2]d)] || ' ' ||
		       w[1 + abs(hashint8(g * 4 + 2) %% %[2]d)] || ', ' || w[1 + abs(hashint8(g * 4 + 3) %% %[2]d)] || ' ref' || (g %% 20000),
		       CASE WHEN g %% 3 = 0 THEN 'delivered' ELSE 'received' END, $1::timestamptz + g * interval '2 seconds', $1::timestamptz + g * interval '2 seconds'
		FROM generate_series($2::bigint, $3::bigint) AS g
		JOIN conversations c ON c.id = (SELECT min(id) FROM conversations) + (g %% $4::bigint)
		CROSS JOIN (SELECT %[1]s AS w) v`, words, len(benchWords))
	media := `INSERT INTO media (media_id, message_id, app_id, conversation_id, channel, kind, mime_type, size_bytes, created_at, expires_at)
		SELECT 'med_bench' || m.id, m.id, m.app_id, m.conversation_id, c.channel, 'image', 'image/jpeg', 1000 + m.id % 5000, m.sent_at, m.sent_at + interval '90 days'
		FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id % 10 = 0 AND m.id % 2 = $1`
	counters := `UPDATE conversations c SET message_count = x.n, last_message_at = x.last, last_snippet = 'seeded'
		FROM (SELECT conversation_id, count(*) AS n, max(sent_at) AS last FROM messages GROUP BY conversation_id) x
		WHERE c.id = x.conversation_id`

	if _, err := db.ExecContext(ctx, conversations, apps[0], apps[1], seed.Start, seed.Conversations); err != nil {
		return fmt.Errorf("modelstest: seed conversations: %w", err)
	}
	// Building the GIN indexes once at the end is far faster than maintaining them row by
	// row; their definitions are read back so they stay exactly the migrations' own.
	var gin []string
	rows, err := db.QueryContext(ctx, `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '% USING gin %'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var def string
		if err := rows.Scan(&def); err != nil {
			rows.Close()
			return err
		}
		gin = append(gin, def)
	}
	rows.Close()
	for _, def := range gin {
		name := strings.Fields(def)[2] // CREATE INDEX name ON …
		if _, err := db.ExecContext(ctx, "DROP INDEX "+name); err != nil {
			return err
		}
	}
	// Two connections share the work (the machines benchmarks run on have two cores).
	half := int64(seed.Messages / 2)
	if err := inParallel(ctx, db,
		[]string{messages, messages},
		[][]any{{seed.Start, 1, half, seed.Conversations}, {seed.Start, half + 1, seed.Messages, seed.Conversations}}); err != nil {
		return fmt.Errorf("modelstest: seed messages: %w", err)
	}
	if err := inParallel(ctx, db, []string{media, media}, [][]any{{0}, {1}}); err != nil {
		return fmt.Errorf("modelstest: seed media: %w", err)
	}
	if _, err := db.ExecContext(ctx, counters); err != nil {
		return fmt.Errorf("modelstest: seed counters: %w", err)
	}
	args := make([][]any, len(gin))
	if err := inParallel(ctx, db, gin, args); err != nil {
		return fmt.Errorf("modelstest: seed indexes: %w", err)
	}
	if _, err := db.ExecContext(ctx, "VACUUM ANALYZE"); err != nil {
		return fmt.Errorf("modelstest: seed analyze: %w", err)
	}
	return nil
}

// inParallel runs each statement on its own connection, at the same time. Foreign-key
// triggers are off for these bulk loads (session_replication_role needs a superuser; when
// it is refused they stay on and the load is only slower).
func inParallel(ctx context.Context, db *sql.DB, stmts []string, args [][]any) error {
	errs := make(chan error, len(stmts))
	for i, st := range stmts {
		go func() {
			conn, err := db.Conn(ctx)
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			_, _ = conn.ExecContext(ctx, "SET session_replication_role = replica")
			_, _ = conn.ExecContext(ctx, "SET maintenance_work_mem = '256MB'")
			_, err = conn.ExecContext(ctx, st, args[i]...)
			_, _ = conn.ExecContext(ctx, "RESET session_replication_role")
			errs <- err
		}()
	}
	var first error
	for range stmts {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}
