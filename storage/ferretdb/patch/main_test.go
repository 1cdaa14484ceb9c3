package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeFerretDB writes a module directory whose collection.go holds the given text.
func fakeFerretDB(t *testing.T, collection string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "FerretDB@"+moduleVersion)
	backend := filepath.Join(dir, backendDir)
	if err := os.MkdirAll(backend, 0o755); err != nil {
		t.Fatal(err)
	}
	for file, content := range map[string]string{
		filepath.Join(dir, "go.mod"):             "module " + modulePath + "\n",
		filepath.Join(backend, "collection.go"):  collection,
		filepath.Join(dir, "ferretdb", "doc.go"): "package ferretdb\n",
	} {
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

func upstreamText() string {
	return "package sqlite\n\nfunc Query() {\n" + replacements[0].old + "}\n\nfunc Explain() {\n" + replacements[1].old + "}\n"
}

func TestWritePatchedModule(t *testing.T) {
	ferretdb := fakeFerretDB(t, upstreamText())
	module := wrapperModule(t)
	out := filepath.Join(module, "cache", "module-x")
	if err := writePatchedModule(ferretdb, module, out); err != nil {
		t.Fatal(err)
	}

	collection, err := os.ReadFile(filepath.Join(out, "FerretDB", backendDir, "collection.go"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(collection), "params.Filter.Len() == 1") || strings.Count(string(collection), "idPushdown(params.Filter)") != 2 {
		t.Fatalf("collection.go not patched:\n%s", collection)
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
	for name, source := range map[string]string{
		"missing":    strings.Replace(upstreamText(), "filterPushdown = true", "filterPushdown = ok", 1),
		"duplicated": upstreamText() + replacements[0].old,
	} {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "module")
			err := writePatchedModule(fakeFerretDB(t, source), module, out)
			if err == nil || !strings.Contains(err.Error(), "review storage/ferretdb/patch") {
				t.Fatalf("expected a refusal, got %v", err)
			}
			if _, statErr := os.Stat(out); statErr == nil {
				t.Fatal("nothing may be left behind after a refusal")
			}
		})
	}
}
