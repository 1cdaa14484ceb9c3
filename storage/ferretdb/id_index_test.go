package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bsonDoc encodes a flat BSON document of string values, in order.
func bsonDoc(pairs ...string) []byte {
	var body bytes.Buffer
	for i := 0; i < len(pairs); i += 2 {
		body.WriteByte(0x02)
		body.WriteString(pairs[i])
		body.WriteByte(0)
		binary.Write(&body, binary.LittleEndian, int32(len(pairs[i+1])+1))
		body.WriteString(pairs[i+1])
		body.WriteByte(0)
	}
	doc := make([]byte, 4, 5+body.Len())
	binary.LittleEndian.PutUint32(doc, uint32(5+body.Len()))
	doc = append(append(doc, body.Bytes()...), 0)
	return doc
}

func opMsgWith(body []byte) []byte {
	msg := make([]byte, 21, 21+len(body))
	binary.LittleEndian.PutUint32(msg[12:16], opMsg)
	msg = append(msg, body...)
	binary.LittleEndian.PutUint32(msg[0:4], uint32(len(msg)))
	return msg
}

func TestCommandTarget(t *testing.T) {
	msg := opMsgWith(bsonDoc("insert", "sessions", "ordered", "x", "$db", "concerto"))
	command, collection, db, ok := commandTarget(msg)
	if !ok || command != "insert" || collection != "sessions" || db != "concerto" {
		t.Fatalf("got %q %q %q %v", command, collection, db, ok)
	}
	if _, _, _, ok := commandTarget(msg[:30]); ok {
		t.Fatal("a truncated message must not parse")
	}
}

// A table as FerretDB v1.24 creates it, with its own _id index on another expression.
func ferretLikeDatabase(t *testing.T, dir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "concerto.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, q := range []string{
		`CREATE TABLE "_ferretdb_collections" (name TEXT NOT NULL UNIQUE, table_name TEXT NOT NULL UNIQUE, settings TEXT NOT NULL)`,
		`INSERT INTO "_ferretdb_collections" VALUES ('sessions', 'sessions_1234', '{}')`,
		`CREATE TABLE "sessions_1234" (_ferretdb_sjson TEXT NOT NULL) STRICT`,
		`CREATE UNIQUE INDEX "sessions_1234__id_" ON "sessions_1234" (_ferretdb_sjson->"_id")`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func queryPlan(t *testing.T, db *sql.DB) string {
	t.Helper()
	// EXPLAIN compiles against the connection's cached schema: read the table first, which
	// notices the index another connection added.
	if _, err := db.Exec(`SELECT count(*) FROM "sessions_1234"`); err != nil {
		t.Fatal(err)
	}
	return sqlitePlan(t, db, `SELECT _ferretdb_sjson FROM "sessions_1234" WHERE _ferretdb_sjson->'$._id' = ?`, `"a:1"`)
}

// sqlitePlan is SQLite's query plan of a statement, its details joined by "; ".
func sqlitePlan(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "; ")
}

func TestIDIndexerMakesIDLookupsUseAnIndex(t *testing.T) {
	dir := t.TempDir()
	db := ferretLikeDatabase(t, dir)
	if plan := queryPlan(t, db); !strings.HasPrefix(plan, "SCAN") {
		t.Fatalf("FerretDB's own index was expected not to serve the lookup, plan: %s", plan)
	}
	x := newIDIndexer(dir, slog.New(slog.NewTextHandler(os.Stderr, nil)))
	x.afterWrite(context.Background(), opMsgWith(bsonDoc("insert", "sessions", "$db", "concerto")))
	if plan := queryPlan(t, db); !strings.Contains(plan, "USING INDEX sessions_1234__id_") {
		t.Fatalf("lookup by _id still scans: %s", plan)
	}
	insert := `INSERT INTO "sessions_1234" VALUES ('{"_id":"a:1","v":1}')`
	if _, err := db.Exec(insert); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(insert); err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Fatalf("a second document with the same _id must be refused as before, got %v", err)
	}
	var indexes int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions_1234'`).Scan(&indexes); err != nil || indexes != 1 {
		t.Fatalf("expected FerretDB's one _id index, rebuilt; got %d (%v)", indexes, err)
	}
	if !x.done["concerto\x00sessions"] {
		t.Fatal("the collection should be remembered as indexed")
	}
	x.afterWrite(context.Background(), opMsgWith(bsonDoc("dropDatabase", "x", "$db", "concerto")))
	if len(x.done) != 0 {
		t.Fatal("dropping the database must forget its collections")
	}
}

type countingValue struct{ calls *int }

func (v countingValue) LogValue() slog.Value { *v.calls++; return slog.StringValue("v") }

func TestLazyHandlerFormatsAttributesOnlyWhenLogging(t *testing.T) {
	var out bytes.Buffer
	calls := 0
	logger := slog.New(newLazyHandler(slog.NewTextHandler(&out, &slog.HandlerOptions{Level: slog.LevelError})))
	logger.With(slog.Any("args", countingValue{&calls})).Debug("skipped")
	if calls != 0 {
		t.Fatalf("attributes were formatted %d times for a disabled record", calls)
	}
	logger.WithGroup("g").With(slog.Any("args", countingValue{&calls})).Error("kept")
	if calls != 1 || !strings.Contains(out.String(), "g.args=v") {
		t.Fatalf("calls %d, output %q", calls, out.String())
	}
}
