package reliability

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// EnvCommands names a folder of prebuilt commands (mnist, vkbench) for
// machines without a Go toolchain, such as the GPU check's.
const EnvCommands = "VKGRAD_COMMANDS_DIR"

// command builds cmd/<name> of this module once per test binary and
// returns its path (or takes it from $VKGRAD_COMMANDS_DIR).
func command(t *testing.T, name string) string {
	t.Helper()
	if dir := os.Getenv(EnvCommands); dir != "" {
		return filepath.Join(dir, name)
	}
	buildOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		binDir, buildErr = os.MkdirTemp("", "vkgrad-reliability-")
		if buildErr != nil {
			return
		}
		for _, c := range []string{"mnist", "vkbench"} {
			out, err := exec.Command(goTool, "build", "-o", filepath.Join(binDir, c), "../../cmd/"+c).CombinedOutput()
			if err != nil {
				buildErr = errors.New(string(out))
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatalf("building the commands: %v", buildErr)
	}
	return filepath.Join(binDir, name)
}

// runCommand runs a command and returns its exit status and output.
func runCommand(t *testing.T, dir, bin string, args ...string) (int, string, string, time.Duration) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String(), time.Since(start)
}

// TestMNISTCommandBadFlags: cmd/mnist checks every flag and output path
// before it loads the data: each bad one exits 1 at once with one line
// and no stack trace, and writes nothing.
func TestMNISTCommandBadFlags(t *testing.T) {
	bin := command(t, "mnist")
	for _, args := range [][]string{
		{"-batch", "0"}, {"-epochs", "-1"}, {"-lr", "NaN"}, {"-lr", "-1"}, {"-model", "foo"},
		{"-save", "/nonexistent/dir/m.safetensors"}, {"-save", "m.bin"},
		{"-plot", "x.jpg", "-save", "m.safetensors"}, {"-plot", "curves.png", "-load", "m.safetensors"},
	} {
		dir := t.TempDir()
		code, stdout, stderr, took := runCommand(t, dir, bin, args...)
		if code != 1 || !strings.HasPrefix(stderr, "mnist: ") || strings.Count(stderr, "\n") != 1 || strings.Contains(stderr, "goroutine") || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 1 and one line", args, code, stdout, stderr)
		}
		if took > 10*time.Second {
			t.Errorf("%q: took %v to fail: it did work before checking its flags", args, took)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%q: left %d files", args, len(entries))
		}
	}
}

// TestMNISTCommandOutOfMemory: a batch too large for the device's buffers
// is an out-of-memory error in one line, exit 1 (on lavapipe, 60,000
// images of 784 floats pass its 128 MiB maxStorageBufferRange).
func TestMNISTCommandOutOfMemory(t *testing.T) {
	if len(specs(t)) == 1 {
		t.Skip("no Vulkan device")
	}
	bin := command(t, "mnist")
	code, _, stderr, _ := runCommand(t, t.TempDir(), bin, "-device", "vulkan:0", "-batch", "60000", "-epochs", "1", "-quiet")
	if strings.Contains(stderr, "goroutine") || (code != 0 && (code != 1 || !strings.Contains(stderr, "out of memory") || strings.Count(stderr, "\n") != 1)) {
		t.Fatalf("exit %d, stderr %q; want success or one out-of-memory line", code, stderr)
	}
	if code == 0 {
		t.Logf("the device had room for a batch of 60,000 (no refusal to check)")
	}
}

// TestVkbenchCommandBadFlags: cmd/vkbench by the same rules.
func TestVkbenchCommandBadFlags(t *testing.T) {
	bin := command(t, "vkbench")
	for _, args := range [][]string{{"-reps", "-1"}, {"-groups", "nosuch"}, {"-json", "r.txt"}, {"-plot", "p.svg", "-groups", "train"}} {
		dir := t.TempDir()
		code, stdout, stderr, _ := runCommand(t, dir, bin, args...)
		if code != 1 || !strings.HasPrefix(stderr, "vkbench: ") || strings.Count(stderr, "\n") != 1 || stdout != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 1 and one line", args, code, stdout, stderr)
		}
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}
