package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestLockDataDirAdmitsOneServer(t *testing.T) {
	dir := t.TempDir()
	first, err := lockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err = lockDataDir(dir); err == nil || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("a second lock must be refused, naming the holder: %v", err)
	}
	first.Close()
	again, err := lockDataDir(dir)
	if err != nil {
		t.Fatalf("the lock must be free once its holder is gone: %v", err)
	}
	again.Close()
}

// deadPID is the pid of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestLiveClientsForgetsDeadProcesses(t *testing.T) {
	dir := t.TempDir()
	self, ok := processStartTime(os.Getpid())
	if !ok {
		t.Skip("no /proc here")
	}
	register := func(pid int, start string) string {
		file := filepath.Join(dir, strconv.Itoa(pid))
		if err := os.WriteFile(file, []byte(start+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return file
	}
	logger := slog.New(slog.DiscardHandler)

	if n := liveClients(dir, logger); n != 0 {
		t.Fatalf("an empty directory has %d clients", n)
	}
	register(os.Getpid(), self)
	dead := register(deadPID(t), "")
	reused := register(os.Getppid(), "1") // a live pid, but not the process that registered
	if n := liveClients(dir, logger); n != 1 {
		t.Fatalf("expected this process only, got %d", n)
	}
	for _, file := range []string{dead, reused} {
		if _, err := os.Stat(file); !os.IsNotExist(err) {
			t.Errorf("%s should have been removed", file)
		}
	}
}

func TestWatchClientsStopsWhenTheLastClientIsGone(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	start, _ := processStartTime(cmd.Process.Pid)
	if err := os.WriteFile(filepath.Join(dir, strconv.Itoa(cmd.Process.Pid)), []byte(start), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go watchClients(ctx, dir, stop, slog.New(slog.DiscardHandler))

	select {
	case <-ctx.Done():
		t.Fatal("stopped while its client lives")
	case <-time.After(1500 * time.Millisecond):
	}
	cmd.Process.Kill()
	cmd.Wait()
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("still running 5 s after its last client was killed")
	}
}

func TestWriteStateOnceReady(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "server.json")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan struct{})
	sock := filepath.Join(dir, "s.sock")
	go func() {
		defer close(done)
		writeState(ctx, file, "unix", sock, "127.0.0.1:12345", dir, slog.New(slog.DiscardHandler))
	}()
	time.Sleep(100 * time.Millisecond) // no signal to await: this checks that nothing is written before
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatal("the state file must wait for the server to accept connections")
	}
	listener, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer listener.Close()
	<-done
	var state serverState
	content, err := os.ReadFile(file)
	if err != nil || json.Unmarshal(content, &state) != nil {
		t.Fatalf("%v %s", err, content)
	}
	if state.PID != os.Getpid() || state.Port != 12345 || state.URI != "mongodb://127.0.0.1:12345/" {
		t.Fatalf("state %+v", state)
	}
	removeState(file)
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatal("removeState must remove this process's state file")
	}
}
