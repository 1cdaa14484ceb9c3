package main

// One server per data directory, shared by every process that uses it (storage/embedded-server.ts):
// an exclusive lock on the data directory refuses a second server, the state file tells other
// processes where this one listens, and the clients directory lists the processes using it
// (one file per process, named after its pid, holding its start time); the server stops when
// none of them is alive any more.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// exitLocked is the exit status when another server holds the data directory's lock.
const exitLocked = 3

// lockDataDir takes an exclusive lock on dir/ferretdb.lock for the life of the process (the
// kernel releases it when the process ends, however it ends), or reports who holds it.
func lockDataDir(dir string) (*os.File, error) {
	file, err := os.OpenFile(filepath.Join(dir, "ferretdb.lock"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err = syscall.Flock(int(file.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(file.Name())
		file.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another server (pid %s) is serving this data directory", strings.TrimSpace(string(holder)))
		}
		return nil, err
	}
	if err = file.Truncate(0); err == nil {
		_, err = file.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return file, err
}

// serverState is the content of the state file.
type serverState struct {
	PID       int    `json:"pid"`
	StartTime string `json:"startTime,omitempty"` // from /proc, so a reused pid is not mistaken for this server
	Port      int    `json:"port"`
	URI       string `json:"uri"`
	Data      string `json:"data"`
}

// writeState writes the state file atomically once FerretDB accepts connections on network/addr
// (its own listener: the proxy's is open from the start).
func writeState(ctx context.Context, file, network, addr, listen, data string, logger *slog.Logger) {
	for {
		conn, err := net.DialTimeout(network, addr, time.Second)
		if err == nil {
			conn.Close()
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(20 * time.Millisecond):
		}
	}
	_, portText, _ := net.SplitHostPort(listen)
	port, _ := strconv.Atoi(portText)
	start, _ := processStartTime(os.Getpid())
	state, _ := json.Marshal(serverState{
		PID: os.Getpid(), StartTime: start, Port: port, URI: "mongodb://" + listen + "/", Data: data,
	})
	tmp := fmt.Sprintf("%s.tmp-%d", file, os.Getpid())
	err := os.WriteFile(tmp, append(state, '\n'), 0o644)
	if err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		logger.Error("cannot write the state file", slog.String("file", file), slog.String("error", err.Error()))
	}
}

// removeState removes the state file if it still describes this process.
func removeState(file string) {
	content, err := os.ReadFile(file)
	var state serverState
	if err == nil && json.Unmarshal(content, &state) == nil && state.PID == os.Getpid() {
		os.Remove(file)
	}
}

// watchClients stops the server when no process listed in dir is alive, checked every second.
// The files of dead processes are removed on the way.
func watchClients(ctx context.Context, dir string, stop context.CancelFunc, logger *slog.Logger) {
	stopWhen(ctx, stop, func() bool {
		if liveClients(dir, logger) > 0 {
			return false
		}
		logger.Warn("no client process is left, stopping", slog.String("clients", dir))
		return true
	})
}

// stopWhen calls gone every second and cancels the server the first time it returns true.
func stopWhen(ctx context.Context, stop context.CancelFunc, gone func() bool) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if gone() {
				stop()
				return
			}
		}
	}
}

// liveClients counts the live processes registered in dir and forgets the dead ones.
func liveClients(dir string, logger *slog.Logger) int {
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		logger.Error("cannot read the clients directory", slog.String("error", err.Error()))
		return 1 // keep serving: a transient error must not stop everyone's database
	}
	live := 0
	for _, entry := range entries {
		pid, err := strconv.Atoi(entry.Name())
		if err != nil || pid <= 0 {
			continue // a temporary file being written
		}
		file := filepath.Join(dir, entry.Name())
		recorded, err := os.ReadFile(file)
		if err != nil {
			continue // removed meanwhile
		}
		if processAlive(pid, strings.TrimSpace(string(recorded))) {
			live++
		} else {
			os.Remove(file)
		}
	}
	return live
}

// processAlive reports whether pid is a live process (not a zombie) with the given start time
// (when known).
func processAlive(pid int, startTime string) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	state, start, ok := procStat(pid)
	if !ok {
		return true // no /proc: the pid exists, that is all we can tell
	}
	return state != "Z" && (startTime == "" || start == startTime)
}

// processStartTime is the start time of a process from /proc (see procStat).
func processStartTime(pid int) (string, bool) {
	_, start, ok := procStat(pid)
	return start, ok
}

// procStat reads the state (field 3) and start time (field 22, clock ticks after boot) of a
// process from /proc/PID/stat: with the pid, the start time identifies a process even after
// its pid is reused. Not available outside Linux.
func procStat(pid int) (state, startTime string, ok bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return "", "", false
	}
	// The command name (field 2) is in parentheses and may contain spaces.
	end := strings.LastIndexByte(string(stat), ')')
	if end < 0 {
		return "", "", false
	}
	fields := strings.Fields(string(stat[end+1:]))
	if len(fields) < 20 {
		return "", "", false
	}
	return fields[0], fields[19], true
}
