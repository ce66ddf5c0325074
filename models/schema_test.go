package models_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aviaryhq/aviary/migrations"
	"github.com/aviaryhq/aviary/models"
	"github.com/aviaryhq/aviary/models/modelstest"
)

// columns lists every table of the schema with its column names, sorted.
func columns(t *testing.T, s *models.Store) map[string][]string {
	t.Helper()
	db, err := s.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	var q string
	if s.Dialect() == migrations.Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns
		     WHERE table_schema = 'public' AND table_name <> 'goose_db_version'`
	} else {
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
		     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'
		     AND m.name NOT LIKE '%\_fts%' ESCAPE '\'`
	}
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		out[table] = append(out[table], col)
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

func indexes(t *testing.T, s *models.Store) []string {
	t.Helper()
	db, _ := s.SQLDB()
	var q string
	if s.Dialect() == migrations.Postgres {
		// GIN indexes serve text and partial-number search; SQLite's counterpart is the
		// messages_fts table, which columns() leaves out for the same reason.
		q = `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' AND indexname NOT LIKE 'goose%'
		     AND indexdef NOT LIKE '% USING gin %'`
	} else {
		q = `SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'`
	}
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// TestDialectsHaveTheSameSchema migrates both dialects from empty and compares their tables,
// columns and named indexes, so the two migration sets can never drift apart.
func TestDialectsHaveTheSameSchema(t *testing.T) {
	pg := modelstest.Open(t, migrations.Postgres)
	lite := modelstest.Open(t, migrations.SQLite)
	pc, lc := columns(t, pg), columns(t, lite)
	if len(pc) == 0 {
		t.Fatal("no tables found in Postgres")
	}
	for _, table := range []string{"organization", "apps", "conversations", "messages", "media", "users", "audit_events"} {
		if _, ok := pc[table]; !ok {
			t.Errorf("table %s missing", table)
		}
	}
	for table, cols := range pc {
		if !slices.Equal(cols, lc[table]) {
			t.Errorf("table %s differs:\n postgres %v\n sqlite   %v", table, cols, lc[table])
		}
	}
	for table := range lc {
		if _, ok := pc[table]; !ok {
			t.Errorf("table %s exists only in SQLite", table)
		}
	}
	if pi, li := indexes(t, pg), indexes(t, lite); !slices.Equal(pi, li) {
		t.Errorf("indexes differ:\n postgres %v\n sqlite   %v", pi, li)
	}
}

func TestMigrateIsIdempotentAndReportsStatus(t *testing.T) {
	modelstest.Each(t, func(t *testing.T, s *models.Store) {
		applied, err := s.Migrate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(applied) != 0 {
			t.Errorf("second migrate applied %v", applied)
		}
		st, err := s.SchemaStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Behind() || st.Current != st.Latest || st.Latest < 1 {
			t.Errorf("status = %+v, want current = latest ≥ 1", st)
		}
	})
}

func TestEmptyDatabaseIsBehind(t *testing.T) {
	u := "sqlite://" + t.TempDir() + "/empty.db"
	s := modelstest.OpenURL(t, u)
	st, err := s.SchemaStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !st.Behind() || st.Current != 0 {
		t.Errorf("empty database status = %+v, want behind at 0", st)
	}
}
