package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses, registered as "sqlite"
)

// FerretDB v1's SQLite backend pushes a filter of the form {_id: <string or ObjectId>} down to
// SQL as `WHERE _ferretdb_sjson->'$._id' = ?`, and looks rows up by the same expression when it
// updates or deletes them. But the unique index it creates for _id is on `_ferretdb_sjson->"_id"`,
// a different expression, so SQLite never uses it: every _id lookup, update and delete scans the
// whole table (EXPLAIN QUERY PLAN: SCAN). The indexer below adds, to every collection table, an
// index on exactly the pushed-down expression, which turns those scans into index searches
// (SEARCH ... USING INDEX). It changes no data and no FerretDB metadata: FerretDB does not list
// the index, and dropping the collection or database drops it with the table.
const idLookupIndexSuffix = "_ferretdb_id_lookup"

// idIndexer adds the lookup index to new collection tables, polling the database directory and
// looking only into files written since its last look.
type idIndexer struct {
	dir    string
	logger *slog.Logger
	seen   map[string]time.Time // file -> newest modification time (file or its WAL) already handled
}

func runIDIndexer(ctx context.Context, dir string, every time.Duration, logger *slog.Logger) {
	ix := &idIndexer{dir: dir, logger: logger, seen: map[string]time.Time{}}
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for {
		ix.pass(ctx)
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

func (ix *idIndexer) pass(ctx context.Context) {
	files, err := filepath.Glob(filepath.Join(ix.dir, "*.sqlite"))
	if err != nil {
		return
	}
	for _, file := range files {
		modified := newestModification(file)
		if modified.IsZero() || modified.Equal(ix.seen[file]) {
			continue
		}
		if err := ix.indexFile(ctx, file); err != nil {
			if ctx.Err() == nil {
				// A database being dropped or busy now is retried on the next pass.
				ix.logger.Debug("id lookup index not added yet", "file", file, "error", err)
			}
			continue
		}
		ix.seen[file] = modified
	}
}

func newestModification(file string) time.Time {
	var newest time.Time
	for _, path := range []string{file, file + "-wal"} {
		if info, err := os.Stat(path); err == nil && info.ModTime().After(newest) {
			newest = info.ModTime()
		}
	}
	return newest
}

// indexFile opens the file briefly (never holding it open: FerretDB deletes files on dropDatabase).
func (ix *idIndexer) indexFile(ctx context.Context, file string) error {
	if _, err := os.Stat(file); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=busy_timeout(5000)&mode=rw")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	tables, err := collectionTables(ctx, db)
	if err != nil {
		return err
	}
	indexes, err := names(ctx, db, `SELECT name FROM sqlite_master WHERE type = 'index'`)
	if err != nil {
		return err
	}
	for table := range tables {
		if indexes[table+idLookupIndexSuffix] {
			continue
		}
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+idLookupIndexSuffix, table)
		if _, err := db.ExecContext(ctx, q); err != nil {
			if strings.Contains(err.Error(), "no such table") {
				continue // dropped meanwhile
			}
			return err
		}
	}
	return nil
}

func collectionTables(ctx context.Context, db *sql.DB) (map[string]bool, error) {
	tables, err := names(ctx, db, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil && strings.Contains(err.Error(), "no such table") {
		return nil, nil // a database FerretDB has not initialised yet
	}
	return tables, err
}

func names(ctx context.Context, db *sql.DB, query string) (map[string]bool, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		found[name] = true
	}
	return found, rows.Err()
}
