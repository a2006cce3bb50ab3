// Package shaders holds vkgrad's GLSL compute shaders (*.comp, with shared
// includes *.glsl) and their SPIR-V, compiled by glslc and embedded, so
// users need no shader compiler. Run `go generate ./shaders` after editing a
// shader; a test fails when a committed .spv is stale.
package shaders

//go:generate go run ./internal/gen

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
)

//go:embed *.spv
var spirv embed.FS

// SPIRV returns the compiled module of the shader name (the .comp file's
// base name, such as "gemm"). An unknown name is a bug: it panics.
func SPIRV(name string) []byte {
	b, err := spirv.ReadFile(name + ".spv")
	if err != nil {
		panic(fmt.Sprintf("shaders: no shader %q", name))
	}
	return b
}

// Names lists the embedded shaders.
func Names() []string {
	entries, _ := fs.ReadDir(spirv, ".")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".spv"))
	}
	sort.Strings(out)
	return out
}
