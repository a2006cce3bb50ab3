// Package glslc compiles vkgrad's shaders with glslc and validates them
// with spirv-val; go generate and the staleness test share it.
package glslc

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Version is the first line of `glslc --version`.
func Version() (string, error) {
	out, err := exec.Command("glslc", "--version").Output()
	if err != nil {
		return "", err
	}
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line), nil
}

// Compile compiles dir/name.comp (includes resolved in dir) and validates
// the result, returning the SPIR-V.
func Compile(dir, name string) ([]byte, error) {
	tmp, err := os.MkdirTemp("", "vkgrad-glslc-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, name+".spv")
	var stderr bytes.Buffer
	cmd := exec.Command("glslc", "-O", "--target-env=vulkan1.2", "-I", dir, filepath.Join(dir, name+".comp"), "-o", out)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("glslc %s.comp: %v\n%s", name, err, stderr.String())
	}
	stderr.Reset()
	val := exec.Command("spirv-val", "--target-env", "vulkan1.2", out)
	val.Stderr = &stderr
	val.Stdout = &stderr
	if err := val.Run(); err != nil {
		return nil, fmt.Errorf("spirv-val %s.spv: %v\n%s", name, err, stderr.String())
	}
	return os.ReadFile(out)
}

// Sources lists the shader names (.comp files) in dir.
func Sources(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.comp"))
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(filepath.Base(f), ".comp"))
	}
	return names, nil
}
