package main

// Tests of the `_id` pushdown that storage/ferretdb/patch adds to FerretDB's SQLite backend.
// They run FerretDB in this process, so they need the patched build: run them with
// `npm run test:go` (scripts/build-ferretdb.sh --test), not a bare `go test`.

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

// sqlLog keeps the SELECT statements FerretDB logs at debug level, with their arguments, while
// recording: FerretDB's debug log also dumps every wire message, which is slow.
type sqlLog struct {
	recording atomic.Bool
	mu        sync.Mutex
	selects   []loggedQuery
}

type loggedQuery struct {
	sql  string
	args []any
}

// record forgets what was logged, runs op while recording, and returns what read the table.
func (l *sqlLog) record(table string, op func()) []loggedQuery {
	l.mu.Lock()
	l.selects = nil
	l.mu.Unlock()
	l.recording.Store(true)
	op()
	l.recording.Store(false)
	return l.on(table)
}

// on returns the statements that read the given table since the last reset.
func (l *sqlLog) on(table string) []loggedQuery {
	l.mu.Lock()
	defer l.mu.Unlock()
	var found []loggedQuery
	for _, q := range l.selects {
		if strings.Contains(q.sql, fmt.Sprintf("FROM %q", table)) {
			found = append(found, q)
		}
	}
	return found
}

// sqlLogHandler is a slog.Handler that records `>>> SELECT …` messages (fsql's debug log).
type sqlLogHandler struct {
	log   *sqlLog
	attrs []slog.Attr
}

func (h sqlLogHandler) Enabled(context.Context, slog.Level) bool { return h.log.recording.Load() }

func (h sqlLogHandler) Handle(_ context.Context, r slog.Record) error {
	query, ok := strings.CutPrefix(r.Message, ">>> ")
	if !ok || !strings.HasPrefix(query, "SELECT") {
		return nil
	}
	var args []any
	for _, a := range h.attrs {
		if list, isList := a.Value.Any().([]any); a.Key == "args" && isList {
			args = list
		}
	}
	h.log.mu.Lock()
	defer h.log.mu.Unlock()
	h.log.selects = append(h.log.selects, loggedQuery{sql: query, args: args})
	return nil
}

func (h sqlLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return sqlLogHandler{log: h.log, attrs: append(slices.Clone(h.attrs), attrs...)}
}

func (h sqlLogHandler) WithGroup(string) slog.Handler { return h }

// testServer is FerretDB (SQLite backend, patched) running in the test process.
type testServer struct {
	dir    string
	log    *sqlLog
	client *mongo.Client
	db     *mongo.Database
	sqlite *sql.DB
}

func startTestServer(t *testing.T) *testServer {
	t.Helper()
	dir := t.TempDir()
	s := &testServer{dir: dir, log: &sqlLog{}}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    slog.New(sqlLogHandler{log: s.log}),
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(ctx); err != nil {
			t.Error(err)
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})

	s.client, err = mongo.Connect(ctx, options.Client().ApplyURI(f.MongoDBURI()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.client.Disconnect(context.Background()) })
	s.db = s.client.Database("pushdown")
	return s
}

// prepare fills a collection and rebuilds its `_id` index as the wrapper does (id_index.go).
func (s *testServer) prepare(t *testing.T, name string, docs []any) (*mongo.Collection, string) {
	t.Helper()
	ctx := context.Background()
	c := s.db.Collection(name)
	if _, err := c.InsertMany(ctx, docs); err != nil {
		t.Fatal(err)
	}
	newIDIndexer(s.dir, slog.New(slog.DiscardHandler)).indexAll(ctx)
	if s.sqlite == nil {
		db, err := sql.Open("sqlite", "file:"+filepath.Join(s.dir, "pushdown.sqlite")+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		s.sqlite = db
	}
	var table string
	if err := s.sqlite.QueryRow(`SELECT table_name FROM _ferretdb_collections WHERE name = ?`, name).Scan(&table); err != nil {
		t.Fatal(err)
	}
	return c, table
}

// plan is SQLite's query plan of a statement FerretDB ran.
func (s *testServer) plan(t *testing.T, q loggedQuery) string {
	t.Helper()
	return sqlitePlan(t, s.sqlite, q.sql, q.args...)
}

// assertIndexed runs op and checks that every read of the table it made searched the _id index.
func (s *testServer) assertIndexed(t *testing.T, table, what string, op func() error) {
	t.Helper()
	var err error
	queries := s.log.record(table, func() { err = op() })
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if len(queries) == 0 {
		t.Fatalf("%s: FerretDB logged no SELECT on %s", what, table)
	}
	for _, q := range queries {
		if plan := s.plan(t, q); !strings.Contains(plan, "USING INDEX "+table+"__id_") {
			t.Errorf("%s: %s\n  plan: %s", what, q.sql, plan)
		}
	}
}

func objectID(n byte) primitive.ObjectID {
	return primitive.ObjectID{0x65, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, n}
}

// Strings whose JSON encodings differ in escapes: the pushed-down comparison is on JSON text.
var awkwardIDs = []string{"", "<&>", `quote"`, `back\slash`, "é", "🎉", "line\u2028sep", "tab\t", "$x", "a.b", "1"}

func pushdownDocs() []any {
	docs := []any{
		bson.D{{Key: "_id", Value: "a"}, {Key: "version", Value: 5}, {Key: "n", Value: 1}},
		bson.D{{Key: "_id", Value: "b"}, {Key: "version", Value: 6}, {Key: "n", Value: 2}},
		bson.D{{Key: "_id", Value: "c"}, {Key: "n", Value: 3}},
		bson.D{{Key: "_id", Value: "nested"}, {Key: "sub", Value: bson.D{{Key: "version", Value: 5}}}},
		bson.D{{Key: "_id", Value: objectID(1)}, {Key: "version", Value: 5}},
		bson.D{{Key: "_id", Value: objectID(2)}},
		bson.D{{Key: "_id", Value: int32(1)}, {Key: "version", Value: 5}},
		bson.D{{Key: "_id", Value: int64(2)}},
		bson.D{{Key: "_id", Value: 2.5}},
		bson.D{{Key: "_id", Value: bson.D{{Key: "k", Value: "a"}}}},
	}
	for _, id := range awkwardIDs {
		docs = append(docs, bson.D{{Key: "_id", Value: id}, {Key: "awkward", Value: true}})
	}
	for i := range 20 {
		docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("filler-%02d", i)}, {Key: "version", Value: i}})
	}
	return docs
}

type pushdownCase struct {
	name    string
	filter  bson.D
	pushed  bool // whether FerretDB may narrow the query by _id in SQL
	matches int
}

// unlogged reports whether to check a case's pushdown with explain only: FerretDB's debug log
// of a wire message takes minutes for a 10,001-element array.
func (tc pushdownCase) unlogged(t *testing.T) bool {
	b, err := bson.Marshal(tc.filter)
	if err != nil {
		t.Fatal(err)
	}
	return len(b) > 10_000
}

func pushdownCases() []pushdownCase {
	in := func(values ...any) bson.D { return bson.D{{Key: "$in", Value: append(bson.A{}, values...)}} }
	manyIDs := bson.A{"a"}
	for i := range maxPushedIDsForTest {
		manyIDs = append(manyIDs, fmt.Sprintf("absent-%d", i))
	}
	cases := []pushdownCase{
		{"_id alone", bson.D{{Key: "_id", Value: "a"}}, true, 1},
		{"_id and a matching version", bson.D{{Key: "_id", Value: "a"}, {Key: "version", Value: 5}}, true, 1},
		{"_id and another version", bson.D{{Key: "_id", Value: "a"}, {Key: "version", Value: 6}}, true, 0},
		{"version before _id", bson.D{{Key: "version", Value: 5}, {Key: "_id", Value: "a"}}, true, 1},
		{"_id and a missing field", bson.D{{Key: "_id", Value: "c"}, {Key: "version", Value: bson.D{{Key: "$exists", Value: false}}}}, true, 1},
		{"absent _id and a version", bson.D{{Key: "_id", Value: "zzz"}, {Key: "version", Value: 5}}, true, 0},
		{"ObjectID _id and a version", bson.D{{Key: "_id", Value: objectID(1)}, {Key: "version", Value: 5}}, true, 1},
		{"ObjectID _id and another version", bson.D{{Key: "_id", Value: objectID(2)}, {Key: "version", Value: 5}}, true, 0},
		{"_id and a dotted path", bson.D{{Key: "_id", Value: "nested"}, {Key: "sub.version", Value: 5}}, true, 1},
		{"_id and a sibling $or", bson.D{{Key: "_id", Value: "a"}, {Key: "$or", Value: bson.A{bson.D{{Key: "version", Value: 6}}, bson.D{{Key: "n", Value: 1}}}}}, true, 1},
		{"_id and a failing sibling $or", bson.D{{Key: "_id", Value: "a"}, {Key: "$or", Value: bson.A{bson.D{{Key: "version", Value: 6}}, bson.D{{Key: "n", Value: 2}}}}}, true, 0},
		{"$in of strings, one absent", bson.D{{Key: "_id", Value: in("a", "b", "zzz")}}, true, 2},
		{"$in with duplicates", bson.D{{Key: "_id", Value: in("a", "a", "b", "b")}}, true, 2},
		{"$in of strings and ObjectIDs", bson.D{{Key: "_id", Value: in("c", objectID(1), objectID(2), objectID(9))}}, true, 3},
		{"$in and a version", bson.D{{Key: "_id", Value: in("a", "b", "c")}, {Key: "version", Value: 6}}, true, 1},
		{"$in of the string \"1\" (not the number 1)", bson.D{{Key: "_id", Value: in("1")}}, true, 1},
		{"empty $in", bson.D{{Key: "_id", Value: in()}}, true, 0},
		{"empty $in and a version", bson.D{{Key: "_id", Value: in()}, {Key: "version", Value: 5}}, true, 0},
		{"$in of awkward strings", bson.D{{Key: "_id", Value: in(stringsAsAny(awkwardIDs)...)}}, true, 11},
		{"$in with a number", bson.D{{Key: "_id", Value: in("a", int32(1))}}, false, 2},
		{"$in with a long and a double", bson.D{{Key: "_id", Value: in(int64(1), 2.0)}}, false, 2},
		{"$in with null", bson.D{{Key: "_id", Value: in("a", nil)}}, false, 1},
		{"$in with a regex", bson.D{{Key: "_id", Value: in(primitive.Regex{Pattern: "^fill"})}}, false, 20},
		{"$in with a document", bson.D{{Key: "_id", Value: in(bson.D{{Key: "k", Value: "a"}})}}, false, 1},
		{"$in beside another operator", bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"a", "b"}}, {Key: "$ne", Value: "a"}}}}, false, 1},
		{"$in longer than the limit", bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: manyIDs}}}}, false, 1},
		{"$nin", bson.D{{Key: "_id", Value: bson.D{{Key: "$nin", Value: bson.A{"a"}}}}}, false, 40},
		{"numeric _id and a version", bson.D{{Key: "_id", Value: int32(1)}, {Key: "version", Value: 5}}, false, 1},
		{"numeric _id matching a long and a double", bson.D{{Key: "_id", Value: 2.0}}, false, 1},
		{"document _id", bson.D{{Key: "_id", Value: bson.D{{Key: "k", Value: "a"}}}, {Key: "n", Value: nil}}, false, 1},
		{"_id under $or", bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "_id", Value: "a"}}, bson.D{{Key: "_id", Value: "b"}}}}}, false, 2},
		{"_id under $nor", bson.D{{Key: "$nor", Value: bson.A{bson.D{{Key: "_id", Value: "a"}}}}, {Key: "version", Value: 5}}, false, 3},
		{"_id under $and", bson.D{{Key: "$and", Value: bson.A{bson.D{{Key: "_id", Value: "a"}}}}}, false, 1},
		{"no _id", bson.D{{Key: "version", Value: 5}}, false, 4},
	}
	for _, id := range awkwardIDs {
		cases = append(cases, pushdownCase{name: "awkward _id " + fmt.Sprintf("%q", id), filter: bson.D{{Key: "_id", Value: id}, {Key: "awkward", Value: true}}, pushed: true, matches: 1})
	}
	return cases
}

// maxPushedIDsForTest is patch/sqlite/id_pushdown.go's maxPushedIDs.
const maxPushedIDsForTest = 10_000

func stringsAsAny(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// ids lists the _id of each document, in a canonical order (as Extended JSON).
func ids(t *testing.T, docs []bson.M) []string {
	t.Helper()
	out := make([]string, 0, len(docs))
	for _, doc := range docs {
		b, err := bson.MarshalExtJSON(bson.M{"_id": doc["_id"]}, true, false)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(b))
	}
	slices.Sort(out)
	return out
}

type readResult struct {
	find, match []string
	count       int64 // countDocuments: an aggregation with $match
	countCmd    int32 // the count command
	distinct    []string
}

func readAll(t *testing.T, c *mongo.Collection, filter bson.D) readResult {
	t.Helper()
	ctx := context.Background()
	var r readResult

	r.find = ids(t, all(t)(c.Find(ctx, filter)))
	r.match = ids(t, all(t)(c.Aggregate(ctx, mongo.Pipeline{{{Key: "$match", Value: filter}}})))

	var err error
	if r.count, err = c.CountDocuments(ctx, filter); err != nil {
		t.Fatal(err)
	}

	var count struct{ N int32 }
	if err = c.Database().RunCommand(ctx, bson.D{{Key: "count", Value: c.Name()}, {Key: "query", Value: filter}}).Decode(&count); err != nil {
		t.Fatal(err)
	}
	r.countCmd = count.N

	values, err := c.Distinct(ctx, "_id", filter)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range values {
		b, err := bson.MarshalExtJSON(bson.M{"v": v}, true, false)
		if err != nil {
			t.Fatal(err)
		}
		r.distinct = append(r.distinct, string(b))
	}
	slices.Sort(r.distinct)
	return r
}

// all reads every document of a cursor: all(t)(c.Find(…)).
func all(t *testing.T) func(*mongo.Cursor, error) []bson.M {
	return func(cursor *mongo.Cursor, err error) []bson.M {
		t.Helper()
		var docs []bson.M
		if err == nil {
			err = cursor.All(context.Background(), &docs)
		}
		if err != nil {
			t.Fatal(err)
		}
		return docs
	}
}

type explainReply struct {
	FilterPushdown bool `bson:"filterPushdown"`
	QueryPlanner   struct {
		Plan []string `bson:"Plan"`
	} `bson:"queryPlanner"`
}

func explain(t *testing.T, c *mongo.Collection, command bson.D) explainReply {
	t.Helper()
	var reply explainReply
	if err := c.Database().RunCommand(context.Background(), bson.D{{Key: "explain", Value: command}}).Decode(&reply); err != nil {
		t.Fatal(err)
	}
	return reply
}

// Every case reads the same documents with and without pushdown: `{$and: [filter]}` means the
// same, and no FerretDB version pushes it down, so it gives upstream's full-scan answer.
func TestIDPushdownGivesTheSameResults(t *testing.T) {
	s := startTestServer(t)
	c, table := s.prepare(t, "cases", pushdownDocs())

	for _, tc := range pushdownCases() {
		t.Run(tc.name, func(t *testing.T) {
			unpushed := bson.D{{Key: "$and", Value: bson.A{tc.filter}}}
			want := readAll(t, c, unpushed)
			var got readResult
			read := func() { got = readAll(t, c, tc.filter) }
			var logged []loggedQuery
			if tc.unlogged(t) {
				read()
			} else if logged = s.log.record(table, read); len(logged) == 0 {
				t.Error("FerretDB logged no SELECT")
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("filter %v:\n got %v\nwant %v", tc.filter, got, want)
			}
			if len(got.find) != tc.matches {
				t.Errorf("filter %v matched %v, expected %d documents", tc.filter, got.find, tc.matches)
			}
			for _, q := range logged {
				pushed := strings.Contains(q.sql, " WHERE ")
				if pushed != tc.pushed {
					t.Errorf("pushed down %v, expected %v: %s", pushed, tc.pushed, q.sql)
				}
			}

			for _, command := range []bson.D{
				{{Key: "find", Value: c.Name()}, {Key: "filter", Value: tc.filter}},
				{{Key: "aggregate", Value: c.Name()}, {Key: "pipeline", Value: bson.A{bson.D{{Key: "$match", Value: tc.filter}}}}, {Key: "cursor", Value: bson.D{}}},
			} {
				reply := explain(t, c, command)
				if reply.FilterPushdown != tc.pushed {
					t.Errorf("explain %v: filterPushdown %v, expected %v", command[0].Key, reply.FilterPushdown, tc.pushed)
				}
			}
			if reply := explain(t, c, bson.D{{Key: "find", Value: c.Name()}, {Key: "filter", Value: unpushed}}); reply.FilterPushdown {
				t.Error("the reference filter {$and: [filter]} must not be pushed down")
			}
		})
	}
}

func TestIDPushdownUsesTheIDIndex(t *testing.T) {
	s := startTestServer(t)
	var docs []any
	for i := range 200 {
		docs = append(docs, bson.D{{Key: "_id", Value: fmt.Sprintf("p:%03d", i)}, {Key: "version", Value: i}})
	}
	c, table := s.prepare(t, "plans", docs)
	ctx := context.Background()
	some := bson.A{"p:001", "p:050", "p:199", "absent"}

	for _, tc := range []struct {
		name   string
		filter bson.D
	}{
		{"{_id, version}", bson.D{{Key: "_id", Value: "p:007"}, {Key: "version", Value: 7}}},
		{"{_id: {$in}}", bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: some}}}}},
		{"{_id: {$in}, version}", bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: some}}}, {Key: "version", Value: 50}}},
	} {
		s.assertIndexed(t, table, "find "+tc.name, func() error {
			_, err := c.Find(ctx, tc.filter)
			return err
		})

		reply := explain(t, c, bson.D{{Key: "find", Value: c.Name()}, {Key: "filter", Value: tc.filter}})
		if plan := strings.Join(reply.QueryPlanner.Plan, "; "); !reply.FilterPushdown || !strings.Contains(plan, "USING INDEX "+table+"__id_") {
			t.Errorf("explain find %s: pushdown %v, plan %s", tc.name, reply.FilterPushdown, plan)
		}
	}

	s.assertIndexed(t, table, "updateOne {_id, version}", func() error {
		res, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "p:010"}, {Key: "version", Value: 10}}, bson.D{{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}})
		if err == nil && res.ModifiedCount != 1 {
			err = fmt.Errorf("modified %d", res.ModifiedCount)
		}
		return err
	})
	s.assertIndexed(t, table, "findOneAndUpdate {_id, version}", func() error {
		return c.FindOneAndUpdate(ctx, bson.D{{Key: "_id", Value: "p:011"}, {Key: "version", Value: 11}}, bson.D{{Key: "$set", Value: bson.D{{Key: "x", Value: 1}}}}).Err()
	})
	s.assertIndexed(t, table, "countDocuments {_id, version}", func() error {
		n, err := c.CountDocuments(ctx, bson.D{{Key: "_id", Value: "p:012"}, {Key: "version", Value: 12}})
		if err == nil && n != 1 {
			err = fmt.Errorf("counted %d", n)
		}
		return err
	})
	s.assertIndexed(t, table, "deleteMany {_id: {$in}}", func() error {
		res, err := c.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: some}}}})
		if err == nil && res.DeletedCount != 3 {
			err = fmt.Errorf("deleted %d", res.DeletedCount)
		}
		return err
	})
}

// The store's optimistic concurrency: a write conditioned on {_id, version} applies only when
// the version matches.
func TestIDPushdownConditionalWrites(t *testing.T) {
	s := startTestServer(t)
	c, _ := s.prepare(t, "writes", []any{
		bson.D{{Key: "_id", Value: "w"}, {Key: "version", Value: 1}},
		bson.D{{Key: "_id", Value: "x"}, {Key: "version", Value: 1}},
		bson.D{{Key: "_id", Value: objectID(3)}, {Key: "version", Value: 1}},
	})
	ctx := context.Background()
	bump := bson.D{{Key: "$inc", Value: bson.D{{Key: "version", Value: 1}}}}
	at := func(id any, version int) bson.D {
		return bson.D{{Key: "_id", Value: id}, {Key: "version", Value: version}}
	}
	version := func(id any) int32 {
		t.Helper()
		var doc struct{ Version int32 }
		if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc); err != nil {
			t.Fatal(err)
		}
		return doc.Version
	}

	res, err := c.UpdateOne(ctx, at("w", 2), bump)
	if err != nil || res.MatchedCount != 0 || version("w") != 1 {
		t.Fatalf("a stale version must not match: %+v %v, version %d", res, err, version("w"))
	}
	res, err = c.UpdateOne(ctx, at("w", 1), bump)
	if err != nil || res.MatchedCount != 1 || res.ModifiedCount != 1 || version("w") != 2 {
		t.Fatalf("the current version must match: %+v %v", res, err)
	}
	res, err = c.UpdateOne(ctx, at(objectID(3), 1), bump)
	if err != nil || res.ModifiedCount != 1 || version(objectID(3)) != 2 || version("x") != 1 {
		t.Fatalf("ObjectID _id: %+v %v", res, err)
	}

	if err = c.FindOneAndUpdate(ctx, at("w", 1), bump).Err(); err != mongo.ErrNoDocuments {
		t.Fatalf("findOneAndUpdate with a stale version: %v", err)
	}
	var after struct{ Version int32 }
	if err = c.FindOneAndUpdate(ctx, at("w", 2), bump, options.FindOneAndUpdate().SetReturnDocument(options.After)).Decode(&after); err != nil || after.Version != 3 {
		t.Fatalf("findOneAndUpdate with the current version: %v %+v", err, after)
	}

	// An upsert conditioned on a stale version tries to insert the same _id: E11000, as on MongoDB.
	_, err = c.UpdateOne(ctx, at("w", 1), bump, options.Update().SetUpsert(true))
	if !mongo.IsDuplicateKeyError(err) {
		t.Fatalf("upsert with a stale version: %v", err)
	}
	res, err = c.UpdateOne(ctx, at("new", 0), bson.D{{Key: "$set", Value: bson.D{{Key: "n", Value: 1}}}}, options.Update().SetUpsert(true))
	if err != nil || res.UpsertedID != "new" || version("new") != 0 {
		t.Fatalf("upsert of a new _id: %+v %v", res, err)
	}

	del, err := c.DeleteOne(ctx, at("w", 2))
	if err != nil || del.DeletedCount != 0 {
		t.Fatalf("delete with a stale version: %+v %v", del, err)
	}
	if del, err = c.DeleteOne(ctx, at("w", 3)); err != nil || del.DeletedCount != 1 {
		t.Fatalf("delete with the current version: %+v %v", del, err)
	}
	if err = c.FindOneAndDelete(ctx, at("x", 5)).Err(); err != mongo.ErrNoDocuments {
		t.Fatalf("findOneAndDelete with a stale version: %v", err)
	}

	upd, err := c.UpdateMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"w", "x", "new", objectID(3)}}}}, {Key: "version", Value: 0}}, bump)
	if err != nil || upd.MatchedCount != 1 || version("new") != 1 || version("x") != 1 {
		t.Fatalf("updateMany {_id: {$in}, version}: %+v %v", upd, err)
	}
	if del, err = c.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: bson.A{"w", "x", "zzz"}}}}}); err != nil || del.DeletedCount != 1 {
		t.Fatalf("deleteMany {_id: {$in}}: %+v %v", del, err)
	}
	if n, err := c.CountDocuments(ctx, bson.D{}); err != nil || n != 2 {
		t.Fatalf("left %d documents (%v), expected the ObjectID one and \"new\"", n, err)
	}
}
