package main

import (
	"io"
	"os"
)

// writeFile writes what w produces to path, created with mode 0644 less
// the umask.
func writeFile(path string, w io.WriterTo) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := w.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
