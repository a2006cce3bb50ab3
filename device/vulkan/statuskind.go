package vulkan

// The kinds of bad input a kernel reports in its batch's status record
// (status.go); go generate ./shaders writes them into ops.glsl as
// STATUS_LABEL and STATUS_INDEX.
const (
	// StatusLabel is a class label outside [0, classes): softmax
	// cross-entropy.
	StatusLabel = 1
	// StatusIndex is an index outside [0, n): IndexSelect.
	StatusIndex = 2
	// StatusGather is an index outside [0, n): Gather.
	StatusGather = 3
	// StatusScatter is an index outside [0, n): Scatter.
	StatusScatter = 4
)

// statusOps names the op behind each index kind.
var statusOps = map[uint32]string{StatusIndex: "IndexSelect", StatusGather: "Gather", StatusScatter: "Scatter"}
