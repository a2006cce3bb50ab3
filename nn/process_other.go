//go:build !unix

package nn

import "os"

// processRunning reports whether a process with the given ID exists; on
// systems without signal 0, finding it is the test.
func processRunning(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	p.Release()
	return true
}
