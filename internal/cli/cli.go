// Package cli holds what vkgrad's commands share in checking their flags
// before the long work starts: output paths that must be writable and of a
// known kind, numbers that must be in range, and the one-line failure.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/vkgrad/vkgrad/tensor"
)

// Parse parses args into fs. Syntax errors come back as one-line errors
// (the usage is not printed); -h and -help print the usage to out and
// return flag.ErrHelp. Arguments left after the flags are an error.
func Parse(fs *flag.FlagSet, args []string, out io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(out)
		fs.Usage()
		return err
	}
	if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags go before nothing else)", fs.Arg(0))
	}
	return nil
}

// OutputPath checks, before any work, that the file named by flag name can
// be written: its extension is one of exts (lower case, with the dot; none
// means any), it is not a folder, and its folder exists and accepts a new
// file (checked by creating and removing one). An empty path is fine: the
// output is off.
func OutputPath(name, path string, exts ...string) error {
	if path == "" {
		return nil
	}
	if ext := strings.ToLower(filepath.Ext(path)); len(exts) > 0 && !slices.Contains(exts, ext) {
		return fmt.Errorf("-%s %s: unknown extension %q (want %s)", name, path, filepath.Ext(path), alternatives(exts))
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return fmt.Errorf("-%s %s: is a folder", name, path)
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("-%s %s: folder %s: %w", name, path, dir, errors.Unwrap(err))
	}
	if !st.IsDir() {
		return fmt.Errorf("-%s %s: %s is not a folder", name, path, dir)
	}
	f, err := os.CreateTemp(dir, ".vkgrad-probe-*")
	if err != nil {
		return fmt.Errorf("-%s %s: folder %s is not writable: %w", name, path, dir, unwrapPath(err))
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// InputFile checks that the file named by flag name exists and can be
// opened for reading.
func InputFile(name, path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("-%s %s: %w", name, path, unwrapPath(err))
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return fmt.Errorf("-%s %s: is a folder", name, path)
	}
	return nil
}

// unwrapPath drops the *fs.PathError's repetition of the path.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// AtLeast checks that the int flag name is at least lo.
func AtLeast(name string, v, lo int) error {
	if v < lo {
		return fmt.Errorf("-%s %d: must be at least %d", name, v, lo)
	}
	return nil
}

// Positive checks that the float flag name is finite and greater than 0.
func Positive(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return fmt.Errorf("-%s %v: must be a finite number greater than 0", name, v)
	}
	return nil
}

// OneOf checks that the string flag name is one of choices.
func OneOf(name, v string, choices ...string) error {
	if !slices.Contains(choices, v) {
		return fmt.Errorf("-%s %q: unknown (want %s)", name, v, alternatives(choices))
	}
	return nil
}

// alternatives writes "a", "a or b", "a, b or c".
func alternatives(s []string) string {
	if len(s) <= 2 {
		return strings.Join(s, " or ")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// Distinct checks that no two of the named output paths are the same file.
func Distinct(paths map[string]string) error {
	seen := map[string]string{}
	names := make([]string, 0, len(paths))
	for n := range paths {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		p := paths[n]
		if p == "" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			abs = p
		}
		if other, dup := seen[abs]; dup {
			return fmt.Errorf("-%s and -%s name the same file %s", other, n, p)
		}
		seen[abs] = n
	}
	return nil
}

// Exit reports err on stderr as one line prefixed with the command's name
// and returns the exit status: 0 for nil and for flag.ErrHelp, 1 otherwise.
func Exit(cmd string, err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	msg := strings.ReplaceAll(err.Error(), "\n", "; ")
	fmt.Fprintf(stderr, "%s: %s\n", cmd, msg)
	return 1
}

// DeviceFlag defines the -device flag every command takes.
func DeviceFlag(fs *flag.FlagSet, dst *string) {
	fs.StringVar(dst, "device", "auto", `device: "auto", "cpu", "vulkan" or "vulkan:N"`)
}

// Run calls fn and reports its error as Exit does; an out-of-memory or
// other device failure that fn raises as a panic (tensor.Try's kind) is
// reported the same way, one line.
func Run(cmd string, stderr io.Writer, fn func() error) int {
	var err error
	if terr := tensor.Try(func() { err = fn() }); terr != nil {
		err = terr
	}
	return Exit(cmd, err, stderr)
}
