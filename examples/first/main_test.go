package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

const wantOutput = `y = 77.65
dy/dw =
[[43.6 56.8]
 [57.8 75.2]
 [  72 93.6]]
dy/db = [14.2 18.4]
`

// TestFirstProgram runs the README's first program and checks what it
// prints after the device line.
func TestFirstProgram(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	main()
	os.Stdout = stdout
	w.Close()
	var buf bytes.Buffer
	io.Copy(&buf, r)
	out := buf.String()
	first, rest, _ := strings.Cut(out, "\n")
	if !strings.HasPrefix(first, "device: ") {
		t.Fatalf("first line %q", first)
	}
	if rest != wantOutput {
		t.Fatalf("output:\n%s\nwant:\n%s", rest, wantOutput)
	}
}

// TestREADMEShowsThisProgram keeps the README's first program identical to
// this one, so that it runs as written.
func TestREADMEShowsThisProgram(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	// The README shows the program from "package main" on.
	_, prog, _ := strings.Cut(string(src), "package main")
	if !strings.Contains(string(readme), "```go\npackage main"+prog+"```") {
		t.Fatal("README.md's first program differs from examples/first/main.go; update the README")
	}
}
