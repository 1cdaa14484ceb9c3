package main

// storage/ferretdb/patch decodes the values FerretDB stores with json.Unmarshal instead of a
// json.Decoder each (patch/sjson_decoding.go). This reads back one document of every BSON type
// the store and the tests use, nested, through the patched server, and checks it is unchanged.
// Run with `npm run test:go`, like pushdown_test.go.

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/bson/primitive"
)

func everyType() bson.D {
	when := time.Date(1969, 7, 20, 20, 17, 40, 0, time.UTC)
	return bson.D{
		{Key: "_id", Value: "p1:q1"},
		{Key: "text", Value: "Écrit « ainsi » \"quoted\"\\ \n\ttab ; =1+1 \u00e9\u0301 😀 \u2028"},
		{Key: "empty", Value: ""},
		{Key: "int32", Value: int32(-2147483648)},
		{Key: "int64", Value: int64(math.MaxInt64)},
		{Key: "double", Value: 0.1},
		{Key: "large", Value: 1e300},
		{Key: "whole", Value: 42.0},
		{Key: "true", Value: true},
		{Key: "false", Value: false},
		{Key: "null", Value: nil},
		{Key: "date", Value: primitive.NewDateTimeFromTime(when)},
		{Key: "oid", Value: objectID(7)},
		{Key: "binary", Value: primitive.Binary{Subtype: 0, Data: []byte{0, 1, 254, 255}}},
		{Key: "regex", Value: primitive.Regex{Pattern: "^a.*b$", Options: "i"}},
		{Key: "timestamp", Value: primitive.Timestamp{T: 1700000000, I: 3}},
		{Key: "nested", Value: bson.D{
			{Key: "state", Value: bson.D{{Key: "step", Value: "q2"}, {Key: "answers", Value: bson.A{
				bson.D{{Key: "q", Value: "q1"}, {Key: "codes", Value: bson.A{"a", "b"}}, {Key: "at", Value: primitive.NewDateTimeFromTime(when)}},
				bson.D{},
			}}}},
			{Key: "mixed", Value: bson.A{int32(1), int64(2), 3.5, "four", true, nil, bson.D{{Key: "deep", Value: bson.A{"er"}}}}}, // FerretDB v1 refuses nested arrays
		}},
		{Key: "emptyDoc", Value: bson.D{}},
		{Key: "emptyArray", Value: bson.A{}},
	}
}

func TestEveryTypeReadsBackUnchanged(t *testing.T) {
	s := startTestServer(t)
	ctx := context.Background()
	c, _ := s.prepare(t, "types", []any{everyType()})

	var got bson.D
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "p1:q1"}}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	if want := everyType(); !reflect.DeepEqual(got, want) {
		t.Fatalf("read back:\n%v\nwant:\n%v", got, want)
	}

	// An update reads the document, changes it in Go and writes it back: read it once more.
	if _, err := c.UpdateOne(ctx, bson.D{{Key: "_id", Value: "p1:q1"}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "nested.state.step", Value: "q3"}}}}); err != nil {
		t.Fatal(err)
	}
	if err := c.FindOne(ctx, bson.D{{Key: "_id", Value: "p1:q1"}}).Decode(&got); err != nil {
		t.Fatal(err)
	}
	want := everyType()
	want[16].Value.(bson.D)[0].Value.(bson.D)[0].Value = "q3"
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the update:\n%v\nwant:\n%v", got, want)
	}
}
