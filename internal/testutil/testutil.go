// Package testutil holds helpers shared by vkgrad's tests.
package testutil

import (
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
