package main

import (
	"context"
	"fmt"
	"io"
)

func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlags("migrate", "aviary migrate [up|status]\n\nup (default) applies pending migrations; status shows where the database is.", stdout)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	action := "up"
	if fs.NArg() > 0 {
		action = fs.Arg(0)
	}
	if fs.NArg() > 1 || (action != "up" && action != "status") {
		return fmt.Errorf("migrate takes \"up\" or \"status\" (got %v)", fs.Args())
	}
	cfg, err := loadConfig(getenv, false)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	if action == "status" {
		st, err := store.SchemaStatus(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "schema version %d of %d", st.Current, st.Latest)
		if st.Behind() {
			fmt.Fprintf(stdout, "; pending: %v (run \"aviary migrate\")\n", st.Pending)
		} else {
			fmt.Fprintln(stdout, "; up to date")
		}
		return nil
	}
	applied, err := store.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "database is up to date")
		return nil
	}
	fmt.Fprintf(stdout, "applied migrations %v\n", applied)
	return nil
}
