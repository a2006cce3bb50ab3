//go:build cgo

package cpu

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdlib.h>

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float*, int,
	const float*, int, float, float*, int);
typedef char* (*config_fn)(void);

static sgemm_fn vk_sgemm;
static config_fn vk_config;

static int vk_load_openblas(const char *name) {
	void *h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
	if (!h) return 1;
	vk_sgemm = (sgemm_fn)dlsym(h, "cblas_sgemm");
	if (!vk_sgemm) return 2;
	vk_config = (config_fn)dlsym(h, "openblas_get_config");
	return 0;
}

static const char *vk_openblas_config(void) {
	return vk_config ? vk_config() : "";
}

static void vk_call_sgemm(int ta, int tb, int m, int n, int k, float alpha,
	const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc) {
	// 101 row-major; 111 no transpose, 112 transpose.
	vk_sgemm(101, ta ? 112 : 111, tb ? 112 : 111, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
*/
import "C"

import (
	"fmt"
	"os"
	"unsafe"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// openblasNames are tried in order; libopenblas.so.0 is what Debian's and
// most distributions' runtime packages ship.
var openblasNames = []string{"libopenblas.so.0", "libopenblas.so"}

func loadOpenBLAS() (blas.Float32, string, error) {
	// OpenBLAS's idle threads spin for 2^28 cycles after each call before
	// they sleep, and on a machine with few cores they steal the time that
	// vkgrad's own goroutines need between GEMMs. 2^4 cycles makes them
	// sleep at once; the variable is read when the library loads, and a
	// user's own setting wins.
	if _, ok := os.LookupEnv("OPENBLAS_THREAD_TIMEOUT"); !ok {
		os.Setenv("OPENBLAS_THREAD_TIMEOUT", "4")
	}
	for _, name := range openblasNames {
		cname := C.CString(name)
		rc := C.vk_load_openblas(cname)
		C.free(unsafe.Pointer(cname))
		switch rc {
		case 0:
			cfg := C.GoString(C.vk_openblas_config())
			return openblas{}, fmt.Sprintf("openblas (%s, %s)", name, cfg), nil
		case 2:
			return nil, "", fmt.Errorf("%s has no cblas_sgemm", name)
		}
	}
	return nil, "", fmt.Errorf("%s not found (install libopenblas0)", openblasNames[0])
}

// openblas is gonum's BLAS with Sgemm replaced by OpenBLAS's cblas_sgemm.
type openblas struct {
	gonum.Implementation
}

// Sgemm computes C = alpha*op(A)*op(B) + beta*C through OpenBLAS, with
// gonum's argument checks.
func (openblas) Sgemm(tA, tB blas.Transpose, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 || k == 0 || len(a) == 0 || len(b) == 0 {
		gonum.Implementation{}.Sgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	checkGemm(tA, tB, m, n, k, len(a), lda, len(b), ldb, len(c), ldc)
	ta := C.int(0)
	if tA != blas.NoTrans {
		ta = 1
	}
	tb := C.int(0)
	if tB != blas.NoTrans {
		tb = 1
	}
	C.vk_call_sgemm(ta, tb, C.int(m), C.int(n), C.int(k), C.float(alpha),
		(*C.float)(unsafe.Pointer(&a[0])), C.int(lda),
		(*C.float)(unsafe.Pointer(&b[0])), C.int(ldb), C.float(beta),
		(*C.float)(unsafe.Pointer(&c[0])), C.int(ldc))
}
