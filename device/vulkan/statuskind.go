package vulkan

// The kinds of bad input a kernel reports in its batch's status record
// (status.go); go generate ./shaders writes them into ops.glsl as
// STATUS_LABEL and STATUS_INDEX.
const (
	// StatusLabel is a class label outside [0, classes): softmax
	// cross-entropy.
	StatusLabel = 1
	// StatusIndex is an index outside [0, n): IndexSelect and Gather.
	StatusIndex = 2
)
