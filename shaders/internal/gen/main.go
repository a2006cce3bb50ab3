// Command gen writes the op constants of package device into ops.glsl,
// compiles every shader of package shaders to SPIR-V (run it through `go
// generate ./shaders`) and records the compiler's version.
package main

import (
	"log"
	"os"
	"path/filepath"

	"github.com/vkgrad/vkgrad/shaders/internal/glslc"
	"github.com/vkgrad/vkgrad/shaders/internal/opsgen"
)

func main() {
	log.SetFlags(0)
	dir := "."
	// The op constants first: the shaders include them.
	if err := os.WriteFile(filepath.Join(dir, "ops.glsl"), opsgen.GLSL(), 0o644); err != nil {
		log.Fatal(err)
	}
	names, err := glslc.Sources(dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range names {
		spv, err := glslc.Compile(dir, name)
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".spv"), spv, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	v, err := glslc.Version()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "glslc.version"), []byte(v+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
	log.Printf("compiled %d shaders with %s", len(names), v)
}
