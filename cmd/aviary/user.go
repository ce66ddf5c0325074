package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aviaryhq/aviary/models"
)

func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprintln(stdout, "Usage: aviary user create --email E --role admin|support|viewer [--name N]")
			return nil
		}
		return fmt.Errorf("usage: aviary user create --email E --role admin|support|viewer (password on stdin)")
	}
	fs := newFlags("user create", "aviary user create --email E --role admin|support|viewer [--name N]\n\nThe password is read from the first line of standard input.", stdout)
	email := fs.String("email", "", "email address (required)")
	role := fs.String("role", "", "admin, support or viewer (required)")
	name := fs.String("name", "", "display name")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *email == "" || *role == "" {
		return fmt.Errorf("--email and --role are required")
	}
	if !models.ValidRole(*role) {
		return fmt.Errorf("--role must be admin, support or viewer (got %q)", *role)
	}
	password, err := readLine(stdin)
	if err != nil {
		return fmt.Errorf("read password from stdin: %w", err)
	}
	if err := models.CheckPassword(password); err != nil {
		return err
	}
	_, store, err := openCurrent(ctx, getenv, false)
	if err != nil {
		return err
	}
	defer store.Close()
	u, err := store.CreateUser(ctx, models.NewUser{Email: *email, Name: *name, Password: password, Role: *role})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s user %s\n", u.Role, u.Email)
	return nil
}

// readLine reads the first line of r without its line ending.
func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("nothing on standard input")
	}
	return line, nil
}
