package main

// FerretDB v1.24's SQLite backend looks a document up by `_ferretdb_sjson->'$._id' = ?` but
// creates the `_id` index on `_ferretdb_sjson->"_id"`. SQLite uses an expression index only
// for the very same expression, so every find, update or delete by `_id` scans the whole
// table: measured here, 11 ms per findOne and 340 ms per updateOne at 7,000 documents.
// idIndexer rebuilds that unique index, under the same name, on the expression the queries
// use (both extract the same `_id`): lookups use it, uniqueness is kept, and FerretDB, which
// knows its indexes by name, sees no difference. Done in one transaction, so no insert ever
// runs without the unique index.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver (FerretDB's own SQLite library)
)

const sqliteExt = ".sqlite"

type idIndexer struct {
	dir    string
	logger *slog.Logger

	mu sync.Mutex
	// done holds "database\x00collection" for tables known to have the index.
	done map[string]bool
	dbs  map[string]*sql.DB
}

func newIDIndexer(dir string, logger *slog.Logger) *idIndexer {
	return &idIndexer{dir: dir, logger: logger, done: map[string]bool{}, dbs: map[string]*sql.DB{}}
}

// indexAll indexes every collection of every database already in the data directory.
func (x *idIndexer) indexAll(ctx context.Context) {
	files, _ := filepath.Glob(filepath.Join(x.dir, "*"+sqliteExt))
	for _, file := range files {
		dbName := strings.TrimSuffix(filepath.Base(file), sqliteExt)
		x.mu.Lock()
		x.ensure(ctx, dbName, "")
		x.mu.Unlock()
	}
}

// afterWrite is called once a write command's reply came back, while no other write runs.
func (x *idIndexer) afterWrite(ctx context.Context, req []byte) {
	command, collection, dbName, ok := commandTarget(req)
	if !ok || dbName == "" {
		return
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	switch command {
	case "drop", "dropdatabase", "renamecollection":
		for key := range x.done {
			if strings.HasPrefix(key, dbName+"\x00") {
				delete(x.done, key)
			}
		}
		if command == "dropdatabase" {
			if db := x.dbs[dbName]; db != nil {
				db.Close()
				delete(x.dbs, dbName)
			}
		}
		return
	}
	if collection != "" && !x.done[dbName+"\x00"+collection] {
		x.ensure(ctx, dbName, collection)
	}
}

// ensure creates the missing indexes of one collection, or of all (collection ""). Holds mu.
func (x *idIndexer) ensure(ctx context.Context, dbName, collection string) {
	file := filepath.Join(x.dir, dbName+sqliteExt)
	if _, err := os.Stat(file); err != nil {
		return // nothing was created
	}
	db := x.dbs[dbName]
	if db == nil {
		var err error
		uri := "file:" + file + "?_pragma=busy_timeout(10000)&_txlock=immediate"
		if db, err = sql.Open("sqlite", uri); err != nil {
			x.logger.Error("id index: cannot open database", slog.String("db", dbName), slog.String("error", err.Error()))
			return
		}
		db.SetMaxOpenConns(1)
		x.dbs[dbName] = db
	}
	query := "SELECT name, table_name FROM _ferretdb_collections"
	args := []any{}
	if collection != "" {
		query += " WHERE name = ?"
		args = append(args, collection)
	}
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return // no collection yet
	}
	tables := map[string]string{}
	for rows.Next() {
		var name, table string
		if rows.Scan(&name, &table) == nil {
			tables[name] = table
		}
	}
	rows.Close()
	for name, table := range tables {
		if err := reindexID(ctx, db, table); err != nil {
			x.logger.Error("id index: cannot rebuild", slog.String("table", table), slog.String("error", err.Error()))
			continue
		}
		x.done[dbName+"\x00"+name] = true
	}
}

// reindexID replaces FerretDB's `_id` index of a table, unless that was done already.
func reindexID(ctx context.Context, db *sql.DB, table string) error {
	quoted := strings.ReplaceAll(table, `"`, `""`)
	index := quoted + "__id_" // FerretDB's name for it: <table>_ + "_id_"
	var definition string
	err := db.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", table+"__id_").Scan(&definition)
	if err == nil && strings.Contains(definition, "'$._id'") {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{
		fmt.Sprintf(`DROP INDEX IF EXISTS "%s"`, index),
		fmt.Sprintf(`CREATE UNIQUE INDEX "%s" ON "%s" (_ferretdb_sjson->'$._id')`, index, quoted),
		// Left by an earlier version of this program, which added a second index instead.
		fmt.Sprintf(`DROP INDEX IF EXISTS "%s_id_lookup"`, quoted),
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// commandTarget reads an OP_MSG body: the command name (lower case), its string argument (the
// collection) and the `$db` field.
func commandTarget(msg []byte) (command, collection, dbName string, ok bool) {
	if opCode(msg) != opMsg || len(msg) < 21 || msg[20] != 0 {
		return "", "", "", false
	}
	body := msg[21:]
	if len(body) < 5 {
		return "", "", "", false
	}
	size := int(binary.LittleEndian.Uint32(body[:4]))
	if size > len(body) || size < 5 {
		return "", "", "", false
	}
	first := true
	for pos := 4; pos < size-1; {
		kind := body[pos]
		name, _, found := bytes.Cut(body[pos+1:size], []byte{0})
		if !found {
			return "", "", "", false
		}
		pos += 2 + len(name)
		n := elementSize(kind, body[pos:size])
		if n < 0 {
			return "", "", "", false
		}
		value := body[pos : pos+n]
		if first {
			command = strings.ToLower(string(name))
			if kind == 0x02 {
				collection = bsonString(value)
			}
			first = false
		} else if string(name) == "$db" && kind == 0x02 {
			dbName = bsonString(value)
		}
		pos += n
	}
	return command, collection, dbName, command != ""
}

func bsonString(value []byte) string {
	if len(value) < 5 {
		return ""
	}
	return string(value[4 : len(value)-1])
}

// elementSize is the size of a BSON value of the given type at the start of b, or -1.
func elementSize(kind byte, b []byte) int {
	fixed := map[byte]int{0x01: 8, 0x06: 0, 0x07: 12, 0x08: 1, 0x09: 8, 0x0A: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16, 0xFF: 0, 0x7F: 0}
	if n, isFixed := fixed[kind]; isFixed {
		if n > len(b) {
			return -1
		}
		return n
	}
	if len(b) < 4 {
		return -1
	}
	length := int(binary.LittleEndian.Uint32(b[:4]))
	var n int
	switch kind {
	case 0x02, 0x0D, 0x0E: // string, code, symbol
		n = 4 + length
	case 0x03, 0x04, 0x0F: // document, array, code with scope
		n = length
	case 0x05: // binary
		n = 5 + length
	case 0x0C: // DBPointer
		n = 4 + length + 12
	case 0x0B: // regex: two cstrings
		first := bytes.IndexByte(b, 0)
		if first < 0 {
			return -1
		}
		second := bytes.IndexByte(b[first+1:], 0)
		if second < 0 {
			return -1
		}
		return first + second + 2
	default:
		return -1
	}
	if n < 0 || n > len(b) {
		return -1
	}
	return n
}
