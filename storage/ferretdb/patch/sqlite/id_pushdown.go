//go:build ignore

// This file is not part of the wrapper: storage/ferretdb/patch adds it, without the build
// constraint above, to FerretDB's internal/backends/sqlite package at build time.

package sqlite

import (
	"fmt"
	"strings"

	"github.com/FerretDB/FerretDB/internal/backends/sqlite/metadata"
	"github.com/FerretDB/FerretDB/internal/handler/sjson"
	"github.com/FerretDB/FerretDB/internal/types"
	"github.com/FerretDB/FerretDB/internal/util/must"
)

// maxPushedIDs bounds an `$in` list sent as SQL parameters (SQLite allows 32,766 per statement);
// a longer list is filtered in Go, as upstream does for every `$in`.
const maxPushedIDs = 10_000

// idPushdown returns the WHERE clause (with its arguments) that narrows a query to the documents
// whose `_id` the filter requires, or "" when it requires none that can be pushed down. Upstream
// FerretDB v1.24 pushes down only a filter that is exactly {_id: <string|ObjectID>}; this also
// pushes down
//
//	{_id: <string|ObjectID>, <any other conditions>}   →  WHERE _id = ?
//	{_id: {$in: [<strings|ObjectIDs>]}, <any others>}   →  WHERE _id IN (?, …)
//
// over the same expression as upstream (metadata.IDColumn, which the wrapper indexes). The
// result may be a superset of the matches: every handler filters the documents again with the
// whole filter (the backends.Collection.Query contract), so the other conditions still apply.
// Only a top-level `_id` is used: the top-level keys of a filter are ANDed, while an `_id` under
// `$or`, `$nor` or `$and` is left to Go, as before.
func idPushdown(filter *types.Document) (string, []any) {
	var id any

	keys, values := filter.Keys(), filter.Values()
	for i, key := range keys {
		if key != "_id" {
			continue
		}

		if id != nil {
			return "", nil // a duplicated _id: leave such filters to Go
		}

		id = values[i]
	}

	switch id := id.(type) {
	case string, types.ObjectID:
		return fmt.Sprintf(` WHERE %s = ?`, metadata.IDColumn), []any{idArg(id)}

	case *types.Document:
		if id.Len() != 1 || id.Keys()[0] != "$in" {
			return "", nil
		}

		list, ok := id.Values()[0].(*types.Array)
		if !ok || list.Len() > maxPushedIDs {
			return "", nil
		}

		if list.Len() == 0 {
			return ` WHERE FALSE`, nil // {$in: []} matches nothing
		}

		placeholders := make([]string, list.Len())
		args := make([]any, list.Len())

		for i := 0; i < list.Len(); i++ {
			v := must.NotFail(list.Get(i))

			switch v.(type) {
			case string, types.ObjectID:
			default:
				return "", nil // numbers, nulls, regexes, arrays…: compared in Go as before
			}

			placeholders[i] = "?"
			args[i] = idArg(v)
		}

		return fmt.Sprintf(` WHERE %s IN (%s)`, metadata.IDColumn, strings.Join(placeholders, ", ")), args
	}

	return "", nil
}

// idArg is the SQL argument that compares equal to a stored `_id` (as upstream encodes it).
func idArg(v any) string {
	return string(must.NotFail(sjson.MarshalSingleValue(v)))
}
