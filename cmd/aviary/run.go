package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

const usage = `Aviary — a dashboard for the messages and media your Chirp apps receive.

Usage:
  aviary [serve]                 run the dashboard (default)
  aviary migrate [up|status]     apply database migrations, or show their status
  aviary user create --email E --role admin|support|viewer   (password read from stdin)
  aviary app add --id app_… --name N                         (app key read from stdin)
  aviary demo                    everything in one process on SQLite, with demo data

Run "aviary COMMAND --help" for a command's flags. Configuration comes from the
environment: AVIARY_ADDR, AVIARY_DATABASE_URL, AVIARY_SECRET_KEY, AVIARY_CHIRP_API_URL,
AVIARY_BASE_URL (see README.md).
`

// errHelp is returned after printing help; it ends the command successfully.
var errHelp = errors.New("help shown")

// run is the whole program: it parses args (args[0] is the program name), reads config
// through getenv, and runs one command until ctx is cancelled.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	cmd, rest := "serve", []string{}
	if len(args) > 1 {
		cmd, rest = args[1], args[2:]
	}
	var err error
	switch cmd {
	case "serve":
		err = runServe(ctx, rest, getenv, stdout)
	case "migrate":
		err = runMigrate(ctx, rest, getenv, stdout)
	case "user":
		err = runUser(ctx, rest, getenv, stdin, stdout)
	case "app":
		err = runApp(ctx, rest, getenv, stdin, stdout)
	case "demo":
		err = runDemo(ctx, rest, getenv, stdout)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		if strings.HasPrefix(cmd, "-") {
			return fmt.Errorf("unknown flag %q; run \"aviary --help\"", cmd)
		}
		return fmt.Errorf("unknown command %q; run \"aviary --help\"", cmd)
	}
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

// newFlags returns a flag set that prints its usage to stdout and reports errors instead
// of exiting.
func newFlags(name, synopsis string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, mapping -h/--help to errHelp.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	return nil
}
