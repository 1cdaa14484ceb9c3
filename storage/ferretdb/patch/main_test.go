package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeFerretDB writes a module directory whose patched files hold the given texts.
func fakeFerretDB(t *testing.T, sources map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "FerretDB@"+moduleVersion)
	files := map[string]string{
		filepath.Join(dir, "go.mod"):             "module " + modulePath + "\n",
		filepath.Join(dir, "ferretdb", "doc.go"): "package ferretdb\n",
	}
	for file, source := range sources {
		files[filepath.Join(dir, filepath.FromSlash(file))] = source
	}
	for file, content := range files {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(content), 0o444); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func wrapperModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	goMod := "module concerto/storage/ferretdb\n\nrequire (\n\t" + modulePath + " " + moduleVersion + "\n)\n"
	for name, content := range map[string]string{"go.mod": goMod, "go.sum": "sums\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// upstreamTexts are files holding each upstream text once, between other code.
func upstreamTexts() map[string]string {
	files := map[string]string{}
	for _, r := range replacements {
		if files[r.file] == "" {
			files[r.file] = "package x\n\n"
		}
		files[r.file] += "func f() {\n" + r.old + "}\n\n"
	}
	return files
}

func TestWritePatchedModule(t *testing.T) {
	ferretdb := fakeFerretDB(t, upstreamTexts())
	module := wrapperModule(t)
	out := filepath.Join(module, "cache", "module-x")
	if err := writePatchedModule(ferretdb, module, out); err != nil {
		t.Fatal(err)
	}

	for file, upstream := range upstreamTexts() {
		patched, err := os.ReadFile(filepath.Join(out, "FerretDB", filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range replacements {
			if r.file == file && (strings.Contains(string(patched), r.old) || !strings.Contains(string(patched), r.new)) {
				t.Fatalf("%s: %s not patched:\n%s", file, r.what, patched)
			}
		}
		if len(patched) == len(upstream) {
			t.Fatalf("%s unchanged", file)
		}
	}
	collection, err := os.ReadFile(filepath.Join(out, "FerretDB", collectionFile))
	if err != nil || strings.Contains(string(collection), "params.Filter.Len() == 1") || strings.Count(string(collection), "idPushdown(params.Filter)") != 2 {
		t.Fatalf("collection.go not patched: %v\n%s", err, collection)
	}
	added, err := os.ReadFile(filepath.Join(out, "FerretDB", backendDir, "id_pushdown.go"))
	if err != nil || strings.Contains(string(added), "go:build") || !strings.Contains(string(added), "func idPushdown(") {
		t.Fatalf("id_pushdown.go: %v\n%s", err, added)
	}
	if _, err = os.Stat(filepath.Join(out, "FerretDB", "ferretdb", "doc.go")); err != nil {
		t.Fatal("the rest of the module must be copied:", err)
	}
	goMod, err := os.ReadFile(filepath.Join(out, "go.mod"))
	if err != nil || !strings.HasSuffix(string(goMod), "replace "+modulePath+" "+moduleVersion+" => ./cache/module-x/FerretDB\n") {
		t.Fatalf("go.mod: %v\n%s", err, goMod)
	}
	if sum, err := os.ReadFile(filepath.Join(out, "go.sum")); err != nil || string(sum) != "sums\n" {
		t.Fatalf("go.sum: %v %q", err, sum)
	}

	// A second run (another build starting at the same time) leaves the directory as it is.
	if err = os.WriteFile(filepath.Join(out, "marker"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err = writePatchedModule(ferretdb, module, out); err != nil {
		t.Fatal(err)
	}
	if _, err = os.Stat(filepath.Join(out, "marker")); err != nil {
		t.Fatal("an existing patched module must be kept")
	}
}

func TestWritePatchedModuleRefusesOtherSources(t *testing.T) {
	module := wrapperModule(t)
	missing := upstreamTexts()
	missing[collectionFile] = strings.Replace(missing[collectionFile], "filterPushdown = true", "filterPushdown = ok", 1)
	duplicated := upstreamTexts()
	for _, r := range sjsonDecoding {
		if r.file == sjsonDir+"/string.go" {
			duplicated[r.file] += r.old
		}
	}
	absent := upstreamTexts()
	delete(absent, "internal/util/resource/resource.go")
	for name, sources := range map[string]map[string]string{"missing": missing, "duplicated": duplicated, "absent file": absent} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "module")
			err := writePatchedModule(fakeFerretDB(t, sources), module, out)
			if err == nil || !strings.Contains(err.Error(), "review storage/ferretdb/patch") {
				t.Fatalf("expected a refusal, got %v", err)
			}
			if _, statErr := os.Stat(out); statErr == nil {
				t.Fatal("nothing may be left behind after a refusal")
			}
		})
	}
}
