// Command ferretdb runs FerretDB v1 (SQLite backend) as a MongoDB-wire-protocol server
// for development and tests. It embeds github.com/FerretDB/FerretDB/ferretdb rather than
// building FerretDB's own cmd/ferretdb, which panics without its generated version.txt.
//
// Usage:
//
//	ferretdb --listen 127.0.0.1:27017 --data ./data/ferretdb [--log-level warn] [--parent-pid PID]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	data := flag.String("data", "data/ferretdb", "SQLite data directory (created if missing)")
	params := flag.String("sqlite-params", "", "extra SQLite URI query parameters, e.g. _txlock=immediate")
	logLevel := flag.String("log-level", "error", "log level: debug, info, warn or error")
	parentPID := flag.Int("parent-pid", 0, "exit when the process with this PID is gone (0: disabled)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("invalid --log-level %q: %v", *logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	dir, err := filepath.Abs(*data)
	if err != nil {
		fail("invalid --data %q: %v", *data, err)
	}
	if err = os.MkdirAll(dir, 0o755); err != nil {
		fail("cannot create data directory: %v", err)
	}

	sqliteURL := "file:" + strings.TrimSuffix(dir, "/") + "/"
	if *params != "" {
		sqliteURL += "?" + strings.TrimPrefix(*params, "?")
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
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

	logger.Info("FerretDB listening", slog.String("uri", "mongodb://"+*listen+"/"), slog.String("data", dir))

	if err = f.Run(ctx); err != nil {
		fail("stopped with error: %v", err)
	}
}

// watchParent cancels the server when the parent process is gone: either it no longer
// exists, or this process was re-parented (to init or a subreaper) after it died.
func watchParent(ctx context.Context, pid int, stop context.CancelFunc, logger *slog.Logger) {
	wasChild := os.Getppid() == pid
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()

	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			gone := wasChild && os.Getppid() != pid
			if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
				gone = true
			}
			if gone {
				logger.Warn("parent process is gone, stopping", slog.Int("parent_pid", pid))
				stop()
				return
			}
		}
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb: "+format+"\n", args...)
	os.Exit(1)
}
