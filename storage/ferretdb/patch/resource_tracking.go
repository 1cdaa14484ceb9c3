package main

// FerretDB v1 tracks every iterator and document iterator it creates (resource.Track): a pprof
// profile entry with the caller's stack, plus a finalizer that panics — stopping the server —
// if the iterator is collected unclosed. It is a leak detector for FerretDB's developers, and
// it took 13 % of the server's CPU reading documents (measured with pprof on a 100,000-document
// scan). Track and Untrack become no-ops; the originals stay, renamed, for the reader.
var resourceTracking = []replacement{
	{
		file: "internal/util/resource/resource.go",
		what: "resource.Track",
		old:  "func Track(obj any, token *Token) {\n",
		new: "func Track(obj any, token *Token) {} // patched by storage/ferretdb/patch\n\n" +
			"// track is FerretDB's Track, no longer called.\nfunc track(obj any, token *Token) {\n",
	},
	{
		file: "internal/util/resource/resource.go",
		what: "resource.Untrack",
		old:  "func Untrack(obj any, token *Token) {\n",
		new: "func Untrack(obj any, token *Token) {} // patched by storage/ferretdb/patch\n\n" +
			"// untrack is FerretDB's Untrack, no longer called.\nfunc untrack(obj any, token *Token) {\n",
	},
}
