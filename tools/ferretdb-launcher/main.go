// Command ferretdb-launcher runs an embedded FerretDB v1 (MongoDB wire protocol on SQLite or
// PostgreSQL) for local development and tests. MongoDB itself cannot be installed on the project's
// machines; this is the real database the test suite and `npm run dev` talk to.
//
// On success it prints exactly one JSON line on stdout, {"ready":true,"uri":"mongodb://..."},
// once the listener accepts connections. Logs go to stderr. It exits cleanly on SIGINT/SIGTERM
// and, unless -exit-on-stdin-eof=false, when its stdin closes (so a crashed parent never leaves
// an orphan database behind).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

type options struct {
	listenAddr      string
	sqliteDir       string
	postgresqlURL   string
	logLevel        string
	exitOnStdinEOF  bool
	idLookupIndexes bool
}

// envOr returns the environment twin of a flag, or the fallback when unset.
func envOr(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return fallback
}

func parseOptions(args []string) (options, error) {
	fs := flag.NewFlagSet("ferretdb-launcher", flag.ContinueOnError)
	var o options
	fs.StringVar(&o.listenAddr, "listen-addr", envOr("FERRETDB_LISTEN_ADDR", "127.0.0.1:27017"),
		"TCP listen address; port 0 picks a free port (env FERRETDB_LISTEN_ADDR)")
	fs.StringVar(&o.sqliteDir, "sqlite-dir", envOr("FERRETDB_SQLITE_DIR", "data/ferretdb"),
		"directory of the SQLite database files (env FERRETDB_SQLITE_DIR)")
	fs.StringVar(&o.postgresqlURL, "postgresql-url", envOr("FERRETDB_POSTGRESQL_URL", ""),
		"use the PostgreSQL backend at this URL instead of SQLite (env FERRETDB_POSTGRESQL_URL)")
	fs.StringVar(&o.logLevel, "log-level", envOr("FERRETDB_LOG_LEVEL", "warn"),
		"debug, info, warn or error (env FERRETDB_LOG_LEVEL)")
	stdinDefault, err := strconv.ParseBool(envOr("FERRETDB_EXIT_ON_STDIN_EOF", "true"))
	if err != nil {
		return o, fmt.Errorf("FERRETDB_EXIT_ON_STDIN_EOF: %w", err)
	}
	fs.BoolVar(&o.exitOnStdinEOF, "exit-on-stdin-eof", stdinDefault,
		"exit when stdin closes; turn off for a detached daemon (env FERRETDB_EXIT_ON_STDIN_EOF)")
	indexDefault, err := strconv.ParseBool(envOr("FERRETDB_ID_LOOKUP_INDEXES", "true"))
	if err != nil {
		return o, fmt.Errorf("FERRETDB_ID_LOOKUP_INDEXES: %w", err)
	}
	fs.BoolVar(&o.idLookupIndexes, "id-lookup-indexes", indexDefault,
		"index every SQLite collection table on the expression FerretDB's _id lookups use (id_index.go) (env FERRETDB_ID_LOOKUP_INDEXES)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	return o, nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(strings.ToUpper(s)))
	return l, err
}

// sqliteURL turns a directory into the file: URI FerretDB expects. File mode only: with
// mode=memory FerretDB keeps one connection per database and concurrent cursors deadlock.
// _txlock=immediate makes every write transaction take the write lock up front, so concurrent
// writers wait on busy_timeout instead of failing at once with SQLITE_BUSY when a deferred
// transaction tries to upgrade from a stale WAL snapshot.
func sqliteURL(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return "", err
	}
	return "file:" + abs + "/?_txlock=immediate", nil
}

func run() error {
	o, err := parseOptions(os.Args[1:])
	if err != nil {
		return err
	}
	level, err := parseLevel(o.logLevel)
	if err != nil {
		return fmt.Errorf("log level %q: %w", o.logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: o.listenAddr},
		Logger:   logger,
	}
	if o.postgresqlURL != "" {
		cfg.Handler = "postgresql"
		cfg.PostgreSQLURL = o.postgresqlURL
	} else {
		cfg.Handler = "sqlite"
		if cfg.SQLiteURL, err = sqliteURL(o.sqliteDir); err != nil {
			return fmt.Errorf("sqlite dir: %w", err)
		}
	}

	db, err := ferretdb.New(&cfg)
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if o.exitOnStdinEOF {
		ctx = cancelOnStdinEOF(ctx)
	}

	done := make(chan error, 1)
	go func() { done <- db.Run(ctx) }()
	if o.postgresqlURL == "" && o.idLookupIndexes {
		dir, _ := filepath.Abs(o.sqliteDir)
		go runIDIndexer(ctx, dir, time.Second, logger)
	}

	// MongoDBURI blocks until the listener is bound, so the line below means "accepting".
	ready, _ := json.Marshal(map[string]any{"ready": true, "uri": db.MongoDBURI(), "pid": os.Getpid()})
	fmt.Println(string(ready))

	return <-done
}

// cancelOnStdinEOF ends the context when stdin reaches EOF or fails: the parent has gone.
func cancelOnStdinEOF(parent context.Context) context.Context {
	ctx, cancel := context.WithCancel(parent)
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	return ctx
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-launcher:", err)
		os.Exit(1)
	}
}
