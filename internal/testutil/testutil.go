// Package testutil holds helpers shared by vkgrad's tests.
package testutil

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
)

// MustPanic fails t unless fn panics with a message containing want.
func MustPanic(t testing.TB, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one containing %q", want)
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, want) {
			t.Fatalf("panic %q does not contain %q", msg, want)
		}
	}()
	fn()
}

// IDX returns an IDX file (the MNIST format): the magic number, the sizes
// and the body, big-endian.
func IDX(magic uint32, sizes []uint32, body []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	binary.Write(&b, binary.BigEndian, sizes)
	b.Write(body)
	return b.Bytes()
}

// Gzip compresses data.
func Gzip(data []byte) []byte {
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(data)
	w.Close()
	return z.Bytes()
}
