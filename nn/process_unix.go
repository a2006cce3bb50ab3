//go:build unix

package nn

import (
	"errors"
	"os"
	"syscall"
)

// processRunning reports whether a process with the given ID exists (one
// of another user counts as running).
func processRunning(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
