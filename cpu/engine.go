package cpu

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/vkgrad/vkgrad/cpu/internal/vec"
)

// EnvBLAS is the environment variable that chooses the GEMM engine at
// start-up: "gonum", "openblas" or "avx512" takes that engine where it is
// available; anything else (or unset) takes the best there is, in the
// order of defaultEngines.
const EnvBLAS = "VKGRAD_BLAS"

// defaultEngines is the order of preference: vkgrad's own AVX-512 kernel
// (go test ./cpu -bench GEMMShapes compares them), then OpenBLAS, then
// gonum's pure Go, which is always there.
var defaultEngines = []string{"avx512", "openblas", "gonum"}

type engine struct {
	name string
	impl blas.Float32
}

var (
	engineMu sync.Mutex
	engines  = map[string]engine{"gonum": {"gonum (pure Go)", gonum.Implementation{}}}
	current  = "gonum"
	// openblasErr says why OpenBLAS is not available, when it is not.
	openblasErr error
)

func init() {
	impl, desc, err := loadOpenBLAS()
	if err != nil {
		openblasErr = err
	} else {
		engines["openblas"] = engine{desc, impl}
	}
	if vec.SgemmAvailable() {
		engines["avx512"] = engine{avx512EngineName, avx512Engine{}}
	}
	if _, ok := engines[strings.ToLower(os.Getenv(EnvBLAS))]; ok {
		use(strings.ToLower(os.Getenv(EnvBLAS)))
	} else {
		use(defaultEngine())
	}
}

// defaultEngine is the first of defaultEngines available here.
func defaultEngine() string {
	for _, name := range defaultEngines {
		if _, ok := engines[name]; ok {
			return name
		}
	}
	return "gonum"
}

func use(name string) {
	current = name
	blas32.Use(engines[name].impl)
}

// GEMMEngines lists the GEMM engines available in this process: "gonum"
// always, "openblas" when libopenblas.so.0 could be loaded, "avx512" when
// the processor has AVX-512 and VKGRAD_CPU_SIMD is not 0.
func GEMMEngines() []string {
	engineMu.Lock()
	defer engineMu.Unlock()
	return engineNames()
}

func engineNames() []string {
	var names []string
	for n := range engines {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// UseGEMMEngine makes name ("gonum", "openblas" or "avx512") the GEMM
// engine of every CPU device, through gonum's blas32.Use, so other gonum
// code in the process uses it too. It must not be called while CPU ops
// run.
func UseGEMMEngine(name string) error {
	engineMu.Lock()
	defer engineMu.Unlock()
	if _, ok := engines[name]; !ok {
		switch {
		case name == "openblas" && openblasErr != nil:
			return fmt.Errorf("cpu: GEMM engine openblas is not available: %w", openblasErr)
		case name == "avx512":
			return fmt.Errorf("cpu: GEMM engine avx512 is not available: it needs an amd64 processor with AVX-512, a build without the purego tag, and VKGRAD_CPU_SIMD not 0")
		}
		return fmt.Errorf("cpu: unknown GEMM engine %q (have %v)", name, engineNames())
	}
	use(name)
	return nil
}

// engineIs reports whether name is the GEMM engine in use.
func engineIs(name string) bool {
	engineMu.Lock()
	defer engineMu.Unlock()
	return current == name
}

// GEMMEngine describes the GEMM engine in use, such as "avx512 (vkgrad's
// packed ...)", "openblas (libopenblas.so.0, OpenBLAS 0.3.21 ...)" or
// "gonum (pure Go)", and the elementwise kernels; when OpenBLAS was looked
// for and not found and gonum runs, it says why.
func GEMMEngine() string {
	engineMu.Lock()
	defer engineMu.Unlock()
	s := engines[current].name
	if current == "gonum" && openblasErr != nil {
		s += "; no OpenBLAS: " + openblasErr.Error()
	}
	if v := vec.Name(); v != "" {
		s += "; elementwise kernels " + v
	}
	return s
}
