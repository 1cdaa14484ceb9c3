// Command patch writes a patched copy of FerretDB v1.24.2 for the wrapper's build, so that no
// FerretDB source is committed here (scripts/build-ferretdb.sh runs it):
//
//	go run ./patch -ferretdb "$(go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)" -out DIR
//	go build -modfile DIR/go.mod .
//
// It copies the module from the module cache to DIR/FerretDB, replaces each upstream text of
// `replacements` in its file (failing unless it is found exactly once: another FerretDB version
// needs the patch reviewed), adds sqlite/id_pushdown.go to the SQLite backend, and
// writes DIR/go.mod and DIR/go.sum: the wrapper's own, plus a replace directive pointing at the
// copy (relative to the wrapper's module, as Go reads it). DIR appears complete or not at all,
// so several builds may run at once. (`go build -overlay` would be simpler, but it refuses to
// replace files in the module cache.) See storage/ferretdb/README.md.
package main

import (
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

//go:embed sqlite/id_pushdown.go
var idPushdownSource string

const (
	modulePath      = "github.com/FerretDB/FerretDB"
	moduleVersion   = "v1.24.2"
	backendDir      = "internal/backends/sqlite"
	buildConstraint = "//go:build ignore\n"
)

// replacement is one exact text substitution in a file of FerretDB (a path in the module).
type replacement struct{ file, what, old, new string }

// Every change made to FerretDB: the _id pushdown (below), and two for speed
// (resource_tracking.go, sjson_decoding.go).
var replacements = append(append(idPushdownPatch, resourceTracking...), sjsonDecoding...)

const collectionFile = backendDir + "/collection.go"

// Both Query and Explain push down a filter only when it is exactly {_id: <string|ObjectID>};
// both now ask idPushdown (sqlite/id_pushdown.go), so the plan explain shows is the one used.
var idPushdownPatch = []replacement{
	{
		file: collectionFile,
		what: "Query's _id pushdown",
		old: `	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			whereClause = fmt.Sprintf(` + "` WHERE %s = ?`" + `, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
`,
		new: `	whereClause, args = idPushdown(params.Filter) // patched by storage/ferretdb/patch
`,
	},
	{
		file: collectionFile,
		what: "Explain's _id pushdown",
		old: `	if params.Filter.Len() == 1 {
		v, _ := params.Filter.Get("_id")
		switch v.(type) {
		case string, types.ObjectID:
			filterPushdown = true
			whereClause = fmt.Sprintf(` + "` WHERE %s = ?`" + `, metadata.IDColumn)
			args = []any{string(must.NotFail(sjson.MarshalSingleValue(v)))}
		}
	}
`,
		new: `	whereClause, args = idPushdown(params.Filter) // patched by storage/ferretdb/patch
	filterPushdown = whereClause != ""
`,
	},
}

func main() {
	ferretdb := flag.String("ferretdb", "", "FerretDB "+moduleVersion+" in the module cache (go list -m -f '{{.Dir}}' "+modulePath+")")
	module := flag.String("module", ".", "the wrapper's module directory (its go.mod and go.sum)")
	out := flag.String("out", "", "directory to create; nothing is done when it exists")
	flag.Parse()

	if *ferretdb == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: patch -ferretdb DIR [-module DIR] -out DIR")
		os.Exit(2)
	}

	if err := writePatchedModule(*ferretdb, *module, *out); err != nil {
		fmt.Fprintf(os.Stderr, "patch: %v\n", err)
		os.Exit(1)
	}
}

// writePatchedModule creates out/FerretDB (the patched copy), out/go.mod and out/go.sum, unless
// out exists already.
func writePatchedModule(ferretdb, module, out string) error {
	if _, err := os.Stat(filepath.Join(out, "go.mod")); err == nil {
		return nil
	}

	tmp := fmt.Sprintf("%s.tmp-%d", out, os.Getpid())
	defer os.RemoveAll(tmp)

	if err := writeModule(ferretdb, module, out, tmp); err != nil {
		return err
	}

	if err := os.Rename(tmp, out); err != nil {
		if _, statErr := os.Stat(filepath.Join(out, "go.mod")); statErr == nil {
			return nil // another build wrote it first
		}

		return err
	}

	return nil
}

// writeModule writes into tmp what writePatchedModule then renames to out.
func writeModule(ferretdb, module, out, tmp string) error {
	copyDir := filepath.Join(tmp, "FerretDB")
	if err := copyTree(ferretdb, copyDir); err != nil {
		return err
	}

	if err := patchFiles(ferretdb, copyDir); err != nil {
		return err
	}

	added, ok := strings.CutPrefix(idPushdownSource, buildConstraint)
	if !ok {
		return errors.New("patch/sqlite/id_pushdown.go must start with " + strings.TrimSpace(buildConstraint))
	}

	if err := os.WriteFile(filepath.Join(copyDir, backendDir, "id_pushdown.go"), []byte(added), 0o644); err != nil {
		return err
	}

	goMod, err := os.ReadFile(filepath.Join(module, "go.mod"))
	if err != nil {
		return err
	}

	if !strings.Contains(string(goMod), "\t"+modulePath+" "+moduleVersion+"\n") {
		return fmt.Errorf("%s does not require %s %s: review the patch", filepath.Join(module, "go.mod"), modulePath, moduleVersion)
	}

	replacement, err := relativeTo(module, filepath.Join(out, "FerretDB"))
	if err != nil {
		return err
	}

	goMod = fmt.Appendf(goMod, "\n// Added by storage/ferretdb/patch.\nreplace %s %s => %s\n", modulePath, moduleVersion, replacement)
	if err = os.WriteFile(filepath.Join(tmp, "go.mod"), goMod, 0o644); err != nil {
		return err
	}

	goSum, err := os.ReadFile(filepath.Join(module, "go.sum"))
	if err != nil {
		return err
	}

	return os.WriteFile(filepath.Join(tmp, "go.sum"), goSum, 0o644)
}

// relativeTo is target as a replace directive of the module in dir names it: ./x or ../x.
func relativeTo(dir, target string) (string, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}

	absTarget, err := filepath.Abs(target)
	if err != nil {
		return "", err
	}

	rel, err := filepath.Rel(absDir, absTarget)
	if err != nil {
		return "", err
	}

	if !strings.HasPrefix(rel, "..") {
		rel = "./" + rel
	}

	return filepath.ToSlash(rel), nil
}

// patchFiles applies every replacement to its file in the copy, each exactly once; errors name
// the file in the module cache (ferretdb).
func patchFiles(ferretdb, copyDir string) error {
	var files []string
	for _, r := range replacements {
		if !slices.Contains(files, r.file) {
			files = append(files, r.file)
		}
	}

	for _, file := range files {
		path := filepath.Join(copyDir, filepath.FromSlash(file))

		upstream, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("cannot read FerretDB's %s (review storage/ferretdb/patch): %w", file, err)
		}

		patched, err := patchFile(file, string(upstream))
		if err != nil {
			return fmt.Errorf("%s: %w", filepath.Join(ferretdb, filepath.FromSlash(file)), err)
		}

		if err = os.WriteFile(path, []byte(patched), 0o644); err != nil {
			return err
		}
	}

	return nil
}

// patchFile applies the replacements of file to its source, each exactly once.
func patchFile(file, source string) (string, error) {
	for _, r := range replacements {
		if r.file != file {
			continue
		}

		if n := strings.Count(source, r.old); n != 1 {
			return "", fmt.Errorf("the upstream text of %s was found %d times instead of once: "+
				"this is not FerretDB %s's file, review storage/ferretdb/patch", r.what, n, moduleVersion)
		}

		source = strings.Replace(source, r.old, r.new, 1)
	}

	return source, nil
}

// copyTree copies the regular files of src to dst (which must not exist), writable: files in
// the module cache are read-only.
func copyTree(src, dst string) error {
	if _, err := os.Stat(filepath.Join(src, "go.mod")); err != nil {
		return fmt.Errorf("no FerretDB module in %q: %w", src, err)
	}

	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("%s already exists", dst)
	}

	return filepath.WalkDir(src, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}

		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}

		target := filepath.Join(dst, rel)

		switch {
		case entry.IsDir():
			return os.MkdirAll(target, 0o755)
		case entry.Type().IsRegular():
			content, err := os.ReadFile(path)
			if err != nil {
				return err
			}

			return os.WriteFile(target, content, 0o644)
		default:
			return nil
		}
	})
}
