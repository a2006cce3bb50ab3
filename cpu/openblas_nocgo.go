//go:build !cgo

package cpu

import (
	"errors"

	"gonum.org/v1/gonum/blas"
)

func loadOpenBLAS() (blas.Float32, string, error) {
	return nil, "", errors.New("built without cgo")
}
