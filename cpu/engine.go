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
// start-up: "gonum" forces gonum's pure-Go BLAS; anything else (or unset)
// takes OpenBLAS when the machine has it.
const EnvBLAS = "VKGRAD_BLAS"

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
	if _, ok := engines["openblas"]; ok && !strings.EqualFold(os.Getenv(EnvBLAS), "gonum") {
		use("openblas")
	} else {
		use("gonum")
	}
}

func use(name string) {
	current = name
	blas32.Use(engines[name].impl)
}

// GEMMEngines lists the GEMM engines available in this process: "gonum"
// always, "openblas" when libopenblas.so.0 could be loaded.
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

// UseGEMMEngine makes name ("gonum" or "openblas") the GEMM engine of every
// CPU device, through gonum's blas32.Use, so other gonum code in the process
// uses it too. It must not be called while CPU ops run.
func UseGEMMEngine(name string) error {
	engineMu.Lock()
	defer engineMu.Unlock()
	if _, ok := engines[name]; !ok {
		if name == "openblas" && openblasErr != nil {
			return fmt.Errorf("cpu: GEMM engine openblas is not available: %w", openblasErr)
		}
		return fmt.Errorf("cpu: unknown GEMM engine %q (have %v)", name, engineNames())
	}
	use(name)
	return nil
}

// GEMMEngine describes the GEMM engine in use, such as "openblas
// (libopenblas.so.0, OpenBLAS 0.3.21 ...)" or "gonum (pure Go)"; when
// OpenBLAS was looked for and not found, it says why.
func GEMMEngine() string {
	engineMu.Lock()
	defer engineMu.Unlock()
	s := engines[current].name
	if current == "gonum" && openblasErr != nil {
		s += "; no OpenBLAS: " + openblasErr.Error()
	}
	if v := vec.Name(); v != "" {
		s += "; elementwise kernels " + v
		if vec.GemmNTAvailable() {
			s += ", skinny A·Bᵀ products avx512"
		}
	}
	return s
}
