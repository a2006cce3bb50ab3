//go:build !cgo

package vulkan

import "errors"

// ErrNoCgo is returned by Open in binaries built without cgo.
var ErrNoCgo = errors.New("vulkan: this binary was built without cgo (CGO_ENABLED=0); the Vulkan backend needs it")

// Devices needs cgo: without it there are none.
func Devices() ([]Properties, error) { return nil, ErrNoCgo }
