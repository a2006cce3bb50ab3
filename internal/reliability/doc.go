// Package reliability is vkgrad's suite of bad input and misuse: each test
// is one way a user or an attacker could feed vkgrad something wrong
// (corrupt or lying files, closed or exhausted devices, many goroutines at
// once, bad flags, numbers at the edges of float32, invalid labels) and
// asserts the clear outcome the library promises: an error that says what
// is wrong, or a documented panic, and never a crash, a hang or a wrong
// answer. Every test runs on the CPU backend and on every Vulkan device of
// the machine (lavapipe in CI, under validation).
//
// The package holds only tests; this file exists so that it is a package.
package reliability
