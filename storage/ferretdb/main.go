// Command ferretdb runs FerretDB v1 (SQLite backend) as a MongoDB-wire-protocol server
// for development and tests. It embeds github.com/FerretDB/FerretDB/ferretdb rather than
// building FerretDB's own cmd/ferretdb, which panics without its generated version.txt.
//
// Usage:
//
//	ferretdb --listen 127.0.0.1:27017 --data ./data/ferretdb [--log-level warn] [--parent-pid PID]
//	         [--clients-dir DIR] [--state-file FILE]
//
// Only one server runs on a data directory (see sharing.go): a second one exits with status 3.
//
// FerretDB v1 runs each update as "read the matching documents, apply the update in Go, write
// them back" with no check that they did not change in between, so concurrent writes to one
// document lose updates ($inc, version-conditioned findOneAndUpdate, upserts). Unless
// --serialize-writes=false, FerretDB listens on a private Unix socket and this program proxies
// the MongoDB wire protocol in front of it, running write commands one at a time.
package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	data := flag.String("data", "data/ferretdb", "SQLite data directory (created if missing)")
	params := flag.String("sqlite-params", "", "extra SQLite URI query parameters, e.g. _txlock=immediate")
	logLevel := flag.String("log-level", "error", "log level: debug, info, warn or error")
	parentPID := flag.Int("parent-pid", 0, "exit when the process with this PID is gone (0: disabled)")
	serialize := flag.Bool("serialize-writes", true, "run write commands one at a time (see package doc)")
	clientsDir := flag.String("clients-dir", "", "exit when no process registered in this directory is alive (see sharing.go)")
	stateFile := flag.String("state-file", "", "write pid, port and URI here (JSON) once ready; removed on exit")
	flag.Parse()
	collectGarbageLessOften()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("invalid --log-level %q: %v", *logLevel, err)
	}
	logger := slog.New(newLazyHandler(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))

	dir, err := filepath.Abs(*data)
	if err != nil {
		fail("invalid --data %q: %v", *data, err)
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		fail("cannot create data directory: %v", err)
	}
	lock, err := lockDataDir(dir)
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %s: %v\n", dir, err)
		os.Exit(exitLocked)
	}
	defer lock.Close()

	// Statement journals (one per insert of several documents) in memory, not in temp files:
	// a tenth less CPU for batched inserts, measured.
	sqliteURL := "file:" + strings.TrimSuffix(dir, "/") + "/?_pragma=temp_store(memory)"
	if *params != "" {
		sqliteURL += "&" + strings.TrimPrefix(*params, "?")
	}

	listener := ferretdb.ListenerConfig{TCP: *listen}
	var front net.Listener
	if *serialize {
		if front, err = net.Listen("tcp", *listen); err != nil {
			fail("cannot listen: %v", err)
		}
		socket := filepath.Join(dir, "ferretdb.sock")
		if len(socket) < 100 {
			// This process holds the data directory's lock: a socket left there is a killed
			// server's (a temporary directory would be left behind by every kill -9).
			os.Remove(socket)
		} else { // too long for a Unix socket address
			if sockDir, err = os.MkdirTemp("", "ferretdb-"); err != nil {
				fail("cannot create socket directory: %v", err)
			}
			defer os.RemoveAll(sockDir)
			socket = filepath.Join(sockDir, "ferretdb.sock")
		}
		listener = ferretdb.ListenerConfig{Unix: socket}
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  listener,
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: sqliteURL,
	})
	if err != nil {
		fail("cannot start: %v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	if *parentPID > 0 {
		go watchParent(ctx, *parentPID, stop, logger)
	}
	if *clientsDir != "" {
		go watchClients(ctx, *clientsDir, stop, logger)
	}

	indexer := newIDIndexer(dir, logger)
	indexer.indexAll(ctx)

	if front != nil {
		go serveProxy(ctx, front, listener.Unix, indexer, logger)
	}
	if *stateFile != "" {
		network, addr := "tcp", *listen
		if front != nil {
			network, addr = "unix", listener.Unix
		}
		go writeState(ctx, *stateFile, network, addr, *listen, dir, logger)
		defer removeState(*stateFile)
	}

	logger.Info("FerretDB listening", slog.String("uri", "mongodb://"+*listen+"/"), slog.String("data", dir))

	if err = f.Run(ctx); err != nil {
		fail("stopped with error: %v", err)
	}
}

// writeLock is held by a connection from sending a write command to FerretDB until its reply.
var writeLock sync.Mutex

// writeCommands are the commands that modify data or metadata.
var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findandmodify": true,
	"create": true, "createindexes": true, "drop": true, "dropindexes": true,
	"dropdatabase": true, "renamecollection": true,
}

const (
	opMsg          = 2013
	moreToCome     = 1 << 1
	maxMessageSize = 64 << 20
)

func serveProxy(ctx context.Context, front net.Listener, backend string, indexer *idIndexer, logger *slog.Logger) {
	go func() {
		<-ctx.Done()
		front.Close()
	}()

	for {
		client, err := front.Accept()
		if err != nil {
			if ctx.Err() == nil {
				logger.Error("accept failed", slog.String("error", err.Error()))
			}
			return
		}

		go func() {
			defer client.Close()
			server, err := net.Dial("unix", backend)
			if err != nil {
				logger.Error("cannot reach FerretDB", slog.String("error", err.Error()))
				return
			}
			defer server.Close()
			stop := context.AfterFunc(ctx, func() { client.Close() })
			defer stop()
			if err := proxyConn(ctx, client, server, indexer); err != nil && !errors.Is(err, io.EOF) && ctx.Err() == nil {
				logger.Debug("proxied connection ended", slog.String("error", err.Error()))
			}
		}()
	}
}

// proxyConn relays request/reply pairs; write commands are serialized with writeLock, and
// the indexer looks at each one before the next write starts (see id_index.go).
func proxyConn(ctx context.Context, client, server net.Conn, indexer *idIndexer) error {
	for {
		req, err := readMessage(client)
		if err != nil {
			return err
		}

		write := isWrite(req)
		if write {
			writeLock.Lock()
		}

		err = relay(req, client, server)

		if write {
			if err == nil {
				indexer.afterWrite(ctx, req)
			}
			writeLock.Unlock()
		}

		if err != nil {
			return err
		}
	}
}

// relay sends one request and copies back its replies (several while they have moreToCome).
func relay(req []byte, client, server net.Conn) error {
	if _, err := server.Write(req); err != nil {
		return err
	}

	// The client expects no reply to a request with moreToCome (w: 0 writes), but FerretDB v1
	// sends one anyway: drop it, or the client would read it as the reply to its next request.
	noReply := hasMoreToCome(req)

	for {
		reply, err := readMessage(server)
		if err != nil {
			return err
		}

		if noReply {
			return nil
		}

		if _, err = client.Write(reply); err != nil {
			return err
		}

		if !hasMoreToCome(reply) {
			return nil
		}
	}
}

func readMessage(r io.Reader) ([]byte, error) {
	var header [16]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}

	size := int(binary.LittleEndian.Uint32(header[:4]))
	if size < 16 || size > maxMessageSize {
		return nil, fmt.Errorf("invalid message length %d", size)
	}

	msg := make([]byte, size)
	copy(msg, header[:])
	_, err := io.ReadFull(r, msg[16:])

	return msg, err
}

func opCode(msg []byte) uint32 { return binary.LittleEndian.Uint32(msg[12:16]) }

func hasMoreToCome(msg []byte) bool {
	return opCode(msg) == opMsg && len(msg) >= 20 && binary.LittleEndian.Uint32(msg[16:20])&moreToCome != 0
}

// isWrite reports whether an OP_MSG request is a write command: the command name is the first
// key of its body (section kind 0). Anything else that cannot be parsed is treated as a write.
func isWrite(msg []byte) bool {
	if opCode(msg) != opMsg {
		return opCode(msg) != 2004 // OP_QUERY: legacy handshake only; others (compressed…): lock
	}

	for pos := 20; pos < len(msg); {
		kind := msg[pos]
		pos++
		if pos+4 > len(msg) {
			return true
		}
		size := int(binary.LittleEndian.Uint32(msg[pos : pos+4]))
		if kind == 0 {
			// BSON document: int32 size, then element type (1 byte) and name (cstring).
			if pos+5 > len(msg) {
				return true
			}
			name, _, ok := bytes.Cut(msg[pos+5:], []byte{0})
			return !ok || writeCommands[strings.ToLower(string(name))]
		}
		if size < 4 {
			return true
		}
		pos += size
	}

	return true
}

// watchParent cancels the server when the parent process is gone: either it no longer
// exists, or this process was re-parented (to init or a subreaper) after it died.
func watchParent(ctx context.Context, pid int, stop context.CancelFunc, logger *slog.Logger) {
	wasChild := os.Getppid() == pid
	stopWhen(ctx, stop, func() bool {
		gone := wasChild && os.Getppid() != pid
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			gone = true
		}
		if gone {
			logger.Warn("parent process is gone, stopping", slog.Int("parent_pid", pid))
		}
		return gone
	})
}

// sockDir is the private directory of FerretDB's Unix socket when the data directory's path is
// too long for one (with --serialize-writes).
var sockDir string

// gcPercent replaces Go's default of 100 unless GOGC is set. FerretDB v1 allocates several
// objects per field it reads or writes and keeps little alive, so at 100 the collector ran all
// the time: 22 % of the server's CPU on a 100,000-document scan. At 400 the scan costs 204 µs
// of CPU per document instead of 342; with the two patches of storage/ferretdb/patch for speed,
// 141 µs, for a peak of 108 MB resident instead of 63. 1,000 saved little more (151 µs against
// 165 before the JSON patch) for more memory.
const gcPercent = 400

func collectGarbageLessOften() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
}

func fail(format string, args ...any) {
	if sockDir != "" {
		os.RemoveAll(sockDir)
	}
	fmt.Fprintf(os.Stderr, "ferretdb: "+format+"\n", args...)
	os.Exit(1)
}
